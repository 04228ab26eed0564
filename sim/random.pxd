# C types for sim/random.py in the compiled kernel (sim/kernel.py): the mixer's
# arithmetic in unsigned 64-bit integers, which wrap as the .py's masks do.
cimport cython

cdef class Draws:
    cdef public unsigned long long key

    @cython.locals(x=cython.ulonglong, i=cython.ulonglong)
    cpdef double uniform(self, unsigned long long purpose, unsigned long long n=*,
                         unsigned long long k=*, unsigned long long j=*,
                         unsigned long long _m=*, unsigned long long _g=*,
                         unsigned long long _a=*, unsigned long long _b=*, double _s=*)

    @cython.locals(x=cython.ulonglong, i=cython.ulonglong)
    cpdef double exponential(self, unsigned long long purpose, unsigned long long n=*,
                             unsigned long long k=*, unsigned long long j=*,
                             unsigned long long _m=*, unsigned long long _g=*,
                             unsigned long long _a=*, unsigned long long _b=*, double _s=*,
                             object _log=*)
