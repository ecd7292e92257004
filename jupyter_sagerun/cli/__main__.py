"""``python -m jupyter_sagerun.cli``: the same as ``jupyter sagerun``."""

from . import main

if __name__ == "__main__":
    main()
