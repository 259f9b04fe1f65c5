"""cuda_library(): compile .cu sources with nvcc into a cc_library.

    load("//third_party/cuda:cuda.bzl", "cuda_library")

    cuda_library(
        name = "axpy_kernels",
        srcs = ["axpy.cu"],            # compiled by nvcc, one object each
        hdrs = ["axpy.h"],             # host-launcher declarations (plain C++)
        cu_deps = ["axpy_impl.cuh"],   # every header the .cu files include
        fallback_srcs = ["axpy_nocuda.cc"],  # used where no toolkit exists
        deps = [...],
    )

Each .cu file becomes an object through a genrule running nvcc with -Xcompiler -fPIC
(so it links into both binaries and the Python extension). The genrule must list every
header the .cu includes (`cu_deps` plus `hdrs`). Where @local_config_cuda found no toolkit,
the .cu files are not compiled and `fallback_srcs` (launchers that report "built without
CUDA") take their place, so CPU-only machines build.
"""

load("@local_config_cuda//:defs.bzl", "CUDA_AVAILABLE", "CUDA_GENCODE", "NVCC")

def cuda_library(name, srcs, hdrs = [], cu_deps = [], fallback_srcs = [], deps = [], copts = [], nvcc_flags = [], **kwargs):
    if not CUDA_AVAILABLE:
        native.cc_library(
            name = name,
            srcs = fallback_srcs,
            hdrs = hdrs,
            deps = deps,
            copts = copts,
            **kwargs
        )
        return

    objects = []
    for src in srcs:
        obj = "_%s_%s.pic.o" % (name, src.replace("/", "_").replace(".cu", ""))
        native.genrule(
            name = "_%s_%s_nvcc" % (name, src.replace("/", "_").replace(".", "_")),
            srcs = [src] + hdrs + cu_deps,
            outs = [obj],
            cmd = " ".join([
                NVCC,
                "-std=c++17",
                "-O3",
                "-Xcompiler",
                "-fPIC",
                "--expt-relaxed-constexpr",
                "-I.",
                "-I$(GENDIR)",
            ] + CUDA_GENCODE + nvcc_flags + [
                "-c",
                "$(location %s)" % src,
                "-o",
                "$@",
            ]),
            message = "nvcc %s" % src,
        )
        objects.append(obj)

    native.cc_library(
        name = name,
        srcs = objects,
        hdrs = hdrs,
        deps = deps + ["@local_config_cuda//:cudart"],
        copts = copts,
        alwayslink = True,
        **kwargs
    )
