"""Neuron modules with the ``norse.torch.module`` API, written to script, compile and export."""

from snn_deploy.module.conv import LConv2d as LConv2d
from snn_deploy.module.leaky_integrator import LI as LI
from snn_deploy.module.leaky_integrator import LICell as LICell
from snn_deploy.module.leaky_integrator import LILinearCell as LILinearCell
from snn_deploy.module.lif import LIF as LIF
from snn_deploy.module.lif import LIFCell as LIFCell
from snn_deploy.module.lif import LIFRecurrent as LIFRecurrent
from snn_deploy.module.lif import LIFRecurrentCell as LIFRecurrentCell
from snn_deploy.module.lift import Lift as Lift
from snn_deploy.module.regularization import RegularizationCell as RegularizationCell
from snn_deploy.module.sequential import SequentialState as SequentialState
from snn_deploy.module.snn import SNN as SNN
from snn_deploy.module.snn import SNNCell as SNNCell
from snn_deploy.module.snn import SNNRecurrent as SNNRecurrent
from snn_deploy.module.snn import SNNRecurrentCell as SNNRecurrentCell

__all__ = [name for name in dir() if name[:1].isupper()]
