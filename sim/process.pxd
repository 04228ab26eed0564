# C types for sim/process.py in the compiled kernel (sim/kernel.py). Counts of
# conversations and offers are Py_ssize_t; weeks and clock times are doubles.
cimport cython
from sim.citizen cimport Citizen

@cython.locals(first=cython.double, n6=cython.Py_ssize_t, interval=cython.double,
               after=cython.double)
cpdef double conversation_week(tuple schedule, Py_ssize_t k)

@cython.locals(first=cython.double, n6=cython.Py_ssize_t, interval=cython.double,
               after=cython.double, step=cython.double, k=cython.Py_ssize_t)
cpdef Py_ssize_t first_conversation_from(tuple schedule, double d)

@cython.locals(k=cython.Py_ssize_t)
cpdef Py_ssize_t conversations_before(tuple schedule, double origin, double until,
                                      bint inclusive, Py_ssize_t k_from)

cdef inline bint _held(double t, double until, bint inclusive)

cdef class Casework:
    cdef public int g, offer, profile
    cdef public double origin
    cdef public long long n
    cdef public object rules, sched
    cdef public Py_ssize_t k, conv_k, scan_k, pending_no_show, no_show_draws, k_offer
    cdef public double last_due, conv_at, offer_start, offer_end, post_until, post_mult
    cdef public double rp_due, voluntary_at, sanction_until, phase_at
    cdef public double forfeit_from, forfeit_until, forfeit_weekly
    cdef public list no_shows

    cpdef double _voluntary(self, Citizen c, double now)
    cpdef Py_ssize_t _held_by(self, double until, bint inclusive)
    @cython.locals(p_no=cython.double, p_dec=cython.double, limit=cython.double,
                   u=cython.double, k=cython.Py_ssize_t, t=cython.double)
    cpdef _scan(self, Citizen c, double now, Py_ssize_t held)
    @cython.locals(t=cython.double, x=cython.double, due=cython.double)
    cpdef double next_event(self, double now)
    @cython.locals(d=cython.double, held=cython.Py_ssize_t)
    cpdef set_profile(self, int profile, Citizen c, double now)
    @cython.locals(m=cython.double, p=cython.int, beta=cython.double, per_month=cython.double,
                   n6=cython.Py_ssize_t, interval=cython.double)
    cpdef double multiplier(self, double now)
    @cython.locals(due=cython.double, held=cython.Py_ssize_t)
    cpdef advance(self, model, Citizen c, double now, regime)
    @cython.locals(held=cython.Py_ssize_t)
    cpdef close(self, model, Citizen c, double now, regime)
    @cython.locals(k=cython.Py_ssize_t, t=cython.double)
    cpdef _pass(self, model, Citizen c, Py_ssize_t held, double now, regime)
    @cython.locals(g=cython.int, kind=cython.int, length=cython.double,
                   cap=cython.double, held=cython.Py_ssize_t)
    cpdef _start_offer(self, model, Citizen c, double now, regime, bint mandatory)
    cpdef int _offer_type(self, double u, bint mandatory)
    @cython.locals(g=cython.int, kind=cython.int, post=cython.double)
    cpdef _end_offer(self, model, Citizen c, double now)
    @cython.locals(g=cython.int, weekly=cython.double, amount=cython.double)
    cpdef _sanction(self, model, Citizen c, double now, regime, str kind, Py_ssize_t k,
                    bint behavioural=*, double fee_days=*)

cdef class NoCasework(Casework):
    pass

@cython.locals(akasse=cython.double, last=cython.double, k=cython.Py_ssize_t, t=cython.double,
               end=cython.Py_ssize_t, split=cython.Py_ssize_t, year_end=cython.double)
cpdef record_conversations(ledger, long long citizen, str group, tuple sched, double origin,
                           Py_ssize_t k0, Py_ssize_t k1, double now)

@cython.locals(t=cython.double, stop=cython.double, year_end=cython.double)
cpdef record_forfeit(ledger, long long citizen, int g, double start, double end,
                     double weekly)

@cython.locals(mid=cython.Py_ssize_t)
cpdef Py_ssize_t _first_from(tuple sched, double origin, Py_ssize_t lo, Py_ssize_t hi,
                             double bound, double since=*)
