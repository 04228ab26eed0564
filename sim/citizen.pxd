# C types for sim/citizen.py in the compiled kernel (sim/kernel.py).
from sim.random cimport Draws

cdef class Citizen:
    cdef public long long id
    cdef public Draws draws
    cdef public int municipality, group, first_group, cohort
    cdef public double birth_week, support_weeks, last_exit, seg_start, seg_support
    cdef public double spell_start, last_sanction, compliance
    cdef public bint close
    cdef public int profile, benefit_class, education
    cdef public Py_ssize_t n, episode
    cdef public object casework

    cpdef double age(self, double week)
