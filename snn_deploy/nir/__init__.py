"""Read and write the Neuromorphic Intermediate Representation (NIR); needs the ``nir`` extra.

``from_nir(graph_or_path, dt)`` imports any NIR graph as a :class:`NIRGraphModule`, which compiles,
scripts and exports like the package's other models; ``to_nir(model, input_shape)`` writes this
package's models as NIR; ``read``/``write`` handle ``.nir`` files.
"""

from snn_deploy.nir.errors import NIRError
from snn_deploy.nir.exporter import to_nir
from snn_deploy.nir.files import read, write
from snn_deploy.nir.graph_module import NIRGraphModule
from snn_deploy.nir.importer import from_nir

__all__ = ["NIRError", "NIRGraphModule", "from_nir", "read", "to_nir", "write"]
