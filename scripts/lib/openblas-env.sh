# OpenBLAS 0.3.21 (Debian 12) does not recognise every recent Xeon and then falls back to a
# slow generic kernel (measured here: sgemm 66 instead of ~300 GFLOP/s on 2 cores). Unless the
# caller chose one, pick the kernel from the CPU's features. Sourced by the scripts that run
# wainsight for real or for measurement; the test suite leaves the environment as it is.
if [ -z "${OPENBLAS_CORETYPE+x}" ]; then
    if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
        export OPENBLAS_CORETYPE=Haswell
    fi
fi
