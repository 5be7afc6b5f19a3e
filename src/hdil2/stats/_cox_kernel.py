"""The Cox partial likelihood, its score and information in O(n·p²) time and O(n·p) memory.

Rows are sorted once by time, latest first, so the risk set of an event time tⱼ (every row with
time ≥ tⱼ) is a prefix of the rows and the risk-set sums are forward cumulative sums.  With
wᵢ = exp(xᵢβ), S₀ⱼ, S₁ⱼ, S₂ⱼ the sums of w, w·x, w·xxᵀ over the risk set of the j-th distinct
event time, dⱼ its number of events and A₀ⱼ, A₁ⱼ, A₂ⱼ the same sums over its events, the Efron
approximation (``efron1977``) has, for l = 0 … dⱼ − 1 and φₗ = l/dⱼ, the denominators
Dⱼₗ = S₀ⱼ − φₗA₀ⱼ and means aⱼₗ = (S₁ⱼ − φₗA₁ⱼ)/Dⱼₗ:

* ℓ = Σ_events xβ − Σⱼ Σₗ log Dⱼₗ;
* U = Σ_events x − Σⱼ Σₗ aⱼₗ;
* I = Σⱼ Σₗ [(S₂ⱼ − φₗA₂ⱼ)/Dⱼₗ − aⱼₗaⱼₗᵀ].

Breslow's (``breslow1974``) is the same with every φₗ = 0; at an event time with one event the
two coincide, so the Efron terms are formed only for the tied event times.

The risk-set sums of w·xxᵀ (n·p² numbers) are never formed: with hⱼ = Σₗ 1/Dⱼₗ and
gⱼ = Σₗ φₗ/Dⱼₗ, Σⱼ hⱼS₂ⱼ − gⱼA₂ⱼ = Σᵢ wᵢcᵢxᵢxᵢᵀ, where cᵢ is the sum of hⱼ over the event times
whose risk set holds row i, less g of its own event time if row i is a tied event.  So the
information is one matrix product Xᵀdiag(w·c)X less Σ aaᵀ over the events, and the score is
Σ_events x − Xᵀ(w·c).  Per Newton step: one product Xβ, one exponential, the cumulative sums of
w and w·x, and one product Xᵀdiag(w·c)X.  The information is a difference of sums of terms of
the size of x² in this form as in the per-time form (and R's), so its rounding error is of order
ε·Σx² either way.
"""

from __future__ import annotations

from typing import Any


class CoxData:
    """Covariates sorted by time (latest first) with the structure of the event times.

    ``x`` is the n × p matrix of covariates; it is kept centred (mean 0) and scaled (mean
    absolute value 1), as R's ``coxph`` does, transposed (p × n, each covariate contiguous)
    and in time order.  A coefficient on this scale is the input's times ``scale``.  ``ties``
    is ``"efron"`` or ``"breslow"``.
    """

    def __init__(self, time: Any, event: Any, x: Any, ties: str) -> None:
        import numpy as np

        n = time.size
        order = np.argsort(time)[::-1]  # latest first: a risk set is a prefix
        ts = time[order]
        ev = event[order] != 0
        if x.flags.f_contiguous:  # x.T is p × n and contiguous: gather its columns
            xt = np.take(x.T, order, axis=1)
        else:
            xt = np.ascontiguousarray(np.take(x, order, axis=0).T)
        p = xt.shape[0]
        self.center = np.empty(p)
        self.scale = np.empty(p)
        for k in range(p):  # one covariate at a time: no temporary of n·p
            row = xt[k]
            self.center[k] = row.mean()
            row -= self.center[k]
            self.scale[k] = np.abs(row).mean()
            row /= self.scale[k]
        self.xt = xt
        # tie blocks (runs of equal times): a row's risk set ends with its block
        is_end = np.empty(n, dtype=bool)
        np.not_equal(ts[:-1], ts[1:], out=is_end[:-1])
        is_end[-1] = True
        block_end = np.flatnonzero(is_end)
        events_by = np.cumsum(ev)  # events in rows 0 .. i
        d_block = np.diff(events_by[block_end], prepend=0)
        has_ev = d_block > 0
        # the event times j (blocks with an event), latest first: risk set = rows 0 .. end[j]
        self.end = block_end[has_ev]
        d = d_block[has_ev]
        # row i is at risk at the event times k_row[i], k_row[i] + 1, ... (the first is the
        # first event time whose risk set ends at or after row i)
        group_end = np.zeros(n, dtype=bool)
        group_end[self.end] = True
        self.k_row: Any = np.cumsum(group_end) - group_end
        self.n_events = int(events_by[-1])
        self.x_events = xt @ ev.astype(float)
        # Breslow's weight of each event time in ℓ and I; Efron's terms replace it when tied
        self.weight = d.astype(float)
        self.efron = ties == "efron" and bool((d > 1).any())
        self.untied = not (d > 1).any()  # then every weight is 1
        if self.efron:
            tied = np.flatnonzero(d > 1)
            ev_rows = np.flatnonzero(ev)
            in_tied = d[self.k_row[ev_rows]] > 1  # an event row's own event time
            counts = d[tied]
            start = np.cumsum(counts) - counts
            rep = np.repeat(np.arange(tied.size), counts)
            self.tied = tied  # the tied event times ...
            self.tied_rows = ev_rows[in_tied]  # ... their event rows, ascending (so grouped)
            self.tied_start = start  # where each tied time's rows begin in tied_rows
            self.tied_rep = rep  # tied_rows position -> tied time
            self.phi = (np.arange(rep.size) - start[rep]) / counts[rep]  # l / dⱼ
            self.weight[tied] = 0.0
        self._buffers: tuple[Any, Any] | None = None  # w·x (p × n), a cumulative sum (n)

    def evaluate(self, beta: Any) -> tuple[float, Any, Any]:
        """Log partial likelihood, score vector and information matrix at ``beta``.

        At an extreme ``beta`` (a risk set whose weights all underflow) the results are not
        finite, without a warning: the Newton iteration then shortens its step, as R does.
        """
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._evaluate(beta)

    def _evaluate(self, beta: Any) -> tuple[float, Any, Any]:
        import numpy as np

        xt, end = self.xt, self.end
        if self._buffers is None:
            self._buffers = (np.empty_like(xt), np.empty(xt.shape[1]))
        wx, cum = self._buffers
        eta = beta @ xt
        m = float(eta.max())  # exp(η − m) cannot overflow; ℓ adds m back
        w = np.exp(eta - m, out=eta)
        s0 = np.take(np.cumsum(w, out=cum), end)
        np.multiply(xt, w, out=wx)
        s1 = np.empty((xt.shape[0], end.size))
        for k in range(xt.shape[0]):  # one covariate at a time: a buffer of n, not n·p
            np.take(np.cumsum(wx[k], out=cum), end, out=s1[k])
        weight = self.weight
        h = weight / s0  # Breslow: Σₗ 1/Dⱼₗ = dⱼ/S₀ⱼ
        loglik = float(beta @ self.x_events) - float(weight @ np.log(s0)) - self.n_events * m
        if self.efron:
            tied, rows, rep, phi = self.tied, self.tied_rows, self.tied_rep, self.phi
            a0 = np.add.reduceat(w[rows], self.tied_start)
            a1 = np.add.reduceat(wx[:, rows], self.tied_start, axis=1)
            inv = 1.0 / (s0[tied][rep] - phi * a0[rep])  # 1/Dⱼₗ
            loglik += float(np.log(inv).sum())
            h[tied] = np.bincount(rep, weights=inv, minlength=tied.size)
            g = np.bincount(rep, weights=phi * inv, minlength=tied.size)
            a = (s1[:, tied][:, rep] - phi * a1[:, rep]) * inv  # aⱼₗ
            info_mean = a @ a.T  # Σ over the tied times' terms of aⱼₗaⱼₗᵀ
        else:
            info_mean = np.zeros((xt.shape[0], xt.shape[0]))
        a = np.divide(s1, s0, out=s1)  # the risk sets' means of x, aⱼ = S₁ⱼ/S₀ⱼ
        if not self.untied:
            a *= np.sqrt(weight)
        info_mean += a @ a.T  # Σⱼ dⱼaⱼaⱼᵀ (Breslow's weights; 0 where Efron's terms are)
        # c: the sum of h over the event times at which each row is at risk (less g)
        cum_h = np.zeros(h.size + 1)
        np.cumsum(h[::-1], out=cum_h[-2::-1])
        c = np.take(cum_h, self.k_row, out=cum)
        if self.efron:
            c[rows] -= g[rep]
        wx *= c
        score = self.x_events - wx.sum(axis=1)
        info = wx @ xt.T - info_mean
        return loglik, score, info
