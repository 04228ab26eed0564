# C types for sim/spell.py in the compiled kernel (sim/kernel.py).
cimport cython
from sim.hazards cimport cumulative, time_to_budget
from sim.citizen cimport Citizen
from sim.process cimport Casework

cdef class Stay:
    cdef public object model, law, regime
    cdef public Casework casework
    cdef public Citizen c
    cdef public int g, profile, static_rule, rule
    cdef public double entry, hazard_start, budget, used, rehab_at, course_end, regime_end
    cdef public double cycle_end
    cdef public double cycle_mult, static_t, long_multiplier, level_mult
    cdef public Py_ssize_t episode, k_budget
    cdef public bint extended
    cdef public tuple breaks, rates

    @cython.locals(g=cython.int, p=cython.int, i=cython.Py_ssize_t, mult=cython.double,
                   rule_t=cython.double, rule=cython.int, t=cython.double, d=cython.double,
                   wait=cython.double)
    cpdef double next_wake(self, double now)

    @cython.locals(rule=cython.int, g=cython.int, e=cython.Py_ssize_t, c=Citizen)
    cpdef wake(self, double now)

cpdef str _destination(regime, int g, double u, bint close)

@cython.locals(best_t=cython.double, best=cython.int, t=cython.double)
cpdef tuple stay_rule(Citizen c, int g, double entry, regime, bint extended)
