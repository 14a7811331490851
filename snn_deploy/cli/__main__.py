"""``python -m snn_deploy.cli``: the ``snn-deploy`` command line."""

import sys

from snn_deploy.cli import main

sys.exit(main())
