"""The torch-free artifact layer under export and runtime: the layout of an artifact
(:mod:`~snn_deploy.artifact.layout`), atomic writes (:mod:`~snn_deploy.artifact.files`), the
recorded eager reference (:mod:`~snn_deploy.artifact.reference`) and the comparison of an
artifact's outputs with eager's (:mod:`~snn_deploy.artifact.compare`). Imports numpy only."""
