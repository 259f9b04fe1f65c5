"""Offline stand-in for @rules_java//java:defs.bzl: the native rules, re-exported.

See Note [Offline stand-ins] in third_party/offline/README.md.
"""

def java_binary(**attrs):
    native.java_binary(**attrs)

def java_import(**attrs):
    native.java_import(**attrs)

def java_library(**attrs):
    native.java_library(**attrs)

def java_runtime(**attrs):
    native.java_runtime(**attrs)

def java_toolchain(**attrs):
    native.java_toolchain(**attrs)
