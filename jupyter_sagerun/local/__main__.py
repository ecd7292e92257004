"""``python -m jupyter_sagerun.local``: the same as ``jupyter sagerun local``."""

from .app import main

if __name__ == "__main__":
    main()
