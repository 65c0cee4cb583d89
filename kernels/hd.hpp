// XS_HD marks a function compiled for both the host (g++) and the device (nvcc).
#pragma once
#if defined(__CUDACC__)
#define XS_HD __host__ __device__ __forceinline__
#else
#define XS_HD inline
#endif
