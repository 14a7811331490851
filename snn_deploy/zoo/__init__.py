"""norse 1.1's model zoo (``norse.torch.models``), built from snn_deploy's own modules: so far the
convolutional networks :class:`~snn_deploy.zoo.conv.ConvNet` and :class:`~snn_deploy.zoo.conv.ConvNet4`."""

from snn_deploy.zoo.conv import ConvNet as ConvNet
from snn_deploy.zoo.conv import ConvNet4 as ConvNet4
