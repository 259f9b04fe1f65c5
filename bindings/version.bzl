"""The acaode version: the one place it is written (the wheel and acaode.__version__ read it)."""
VERSION = "0.1.0"
