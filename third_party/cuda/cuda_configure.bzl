"""Repository rule that finds the CUDA toolkit, or yields a working dummy.

The toolkit is looked for at $CUDA_PATH, then /usr/local/cuda; it counts as present when
bin/nvcc, include/cuda_runtime.h and libcudart.so exist. The generated repository
@local_config_cuda has:

  defs.bzl    CUDA_AVAILABLE (bool), NVCC (path), CUDA_GENCODE (nvcc -gencode flags)
  //:cudart   cc_library: CUDA runtime headers + libcudart_static.a (no run path)
  //:cublas   cc_library: cuBLAS headers (the library is dlopened at run time)

Without a toolkit the same targets exist and are empty, CUDA_AVAILABLE is False, and
cuda_library() (third_party/cuda/cuda.bzl) builds its CPU fallback sources instead, so a
CPU-only machine still builds and tests everything. A machine without a GPU but with the
toolkit (all of ours) compiles the CUDA code; the tests then skip at run time.
"""

def _find_cuda(ctx):
    candidates = []
    env_path = ctx.os.environ.get("CUDA_PATH", "")
    if env_path:
        candidates.append(env_path)
    candidates.append("/usr/local/cuda")
    for root in candidates:
        p = ctx.path(root)
        if not p.exists:
            continue
        nvcc = p.get_child("bin").get_child("nvcc")
        header = p.get_child("include").get_child("cuda_runtime.h")
        if not (nvcc.exists and header.exists):
            continue
        for libdir in ["lib64", "targets/x86_64-linux/lib", "lib"]:
            if ctx.path(root + "/" + libdir + "/libcudart.so").exists:
                return str(p.realpath), libdir
    return None, None

def _cuda_configure_impl(ctx):
    root, libdir = _find_cuda(ctx)
    if root == None:
        ctx.file("defs.bzl", "CUDA_AVAILABLE = False\nNVCC = None\nCUDA_GENCODE = []\n")
        ctx.template("BUILD", ctx.attr._dummy_tpl, {})
        return
    ctx.symlink(root + "/include", "cuda_include")
    gencode = [
        "-gencode=arch=compute_80,code=sm_80",
        "-gencode=arch=compute_90,code=[sm_90,compute_90]",
    ]
    ctx.file("defs.bzl", "CUDA_AVAILABLE = True\nNVCC = %r\nCUDA_GENCODE = %r\n" % (
        root + "/bin/nvcc",
        gencode,
    ))
    ctx.template("BUILD", ctx.attr._build_tpl, {
        "%{CUDA_LIBDIR}": root + "/" + libdir,
    })

cuda_configure = repository_rule(
    implementation = _cuda_configure_impl,
    environ = ["CUDA_PATH"],
    local = True,
    attrs = {
        "_build_tpl": attr.label(default = Label("//third_party/cuda:BUILD.tpl")),
        "_dummy_tpl": attr.label(default = Label("//third_party/cuda:BUILD.dummy.tpl")),
    },
)
