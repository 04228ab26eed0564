# C types for sim/hazards.py in the compiled kernel (sim/kernel.py).
cimport cython

@cython.locals(i=cython.Py_ssize_t, n=cython.Py_ssize_t, t=cython.double, q=cython.double,
               piece_end=cython.double, length=cython.double, need=cython.double)
cpdef double time_to_budget(tuple breaks, tuple rates, double d, double remaining,
                            double multiplier)

@cython.locals(i=cython.Py_ssize_t, n=cython.Py_ssize_t, total=cython.double, d=cython.double,
               piece_end=cython.double, upper=cython.double)
cpdef double cumulative(tuple breaks, tuple rates, double d0, double d1, double multiplier)
