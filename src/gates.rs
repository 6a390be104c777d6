//! CI gates: thresholds on the figures that turn a finished report into exit code 1.

use crate::analysis::summary::{round2, Summary};
use crate::error::Exit;
use crate::model::format_number;

/// The thresholds asked for; each is off when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gates {
    /// Breached when never_opened_pct is above this percentage.
    pub never_opened_above: Option<f64>,
    /// Breached when events_orphan is above this count.
    pub orphans_above: Option<u64>,
    /// `diff` only: breached when never_opened_pct rose by more than this many points.
    pub never_opened_rises_by: Option<f64>,
}

/// The figures gates look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateFigures {
    pub never_opened_pct: f64,
    pub events_orphan: u64,
    /// The old snapshot's never_opened_pct, for `diff`.
    pub previous_never_opened_pct: Option<f64>,
}

impl GateFigures {
    /// The figures of a finished audit (no earlier snapshot).
    pub fn of(summary: &Summary) -> GateFigures {
        GateFigures {
            never_opened_pct: summary.never_opened_pct,
            events_orphan: summary.events_orphan,
            previous_never_opened_pct: None,
        }
    }
}

/// A breached gate, as told on stderr.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach(pub String);

impl Gates {
    pub fn is_empty(&self) -> bool {
        *self == Gates::default()
    }

    pub fn check(&self, figures: &GateFigures) -> Vec<Breach> {
        let mut breaches = Vec::new();
        if let Some(limit) = self.never_opened_above {
            let pct = figures.never_opened_pct;
            if pct > limit {
                breaches.push(Breach(format!(
                    "never_opened_pct is {}%, above --fail-if-never-opened-above {} by {} points",
                    format_number(pct),
                    format_number(limit),
                    format_number(round2(pct - limit))
                )));
            }
        }
        if let Some(limit) = self.orphans_above {
            let orphans = figures.events_orphan;
            if orphans > limit {
                breaches.push(Breach(format!(
                    "events_orphan is {orphans}, above --fail-if-orphans-above {limit} by {}",
                    orphans - limit
                )));
            }
        }
        if let (Some(limit), Some(before)) = (
            self.never_opened_rises_by,
            figures.previous_never_opened_pct,
        ) {
            let rise = round2(figures.never_opened_pct - before);
            if rise > limit {
                breaches.push(Breach(format!(
                    "never_opened_pct rose by {} points ({}% to {}%), more than --fail-if-never-opened-rises-by {} (by {} points)",
                    format_number(rise),
                    format_number(before),
                    format_number(figures.never_opened_pct),
                    format_number(limit),
                    format_number(round2(rise - limit))
                )));
            }
        }
        breaches
    }
}

/// Tells each breach on stderr and returns the exit code: 1 when any gate was breached.
pub fn report_breaches(breaches: &[Breach]) -> Exit {
    for breach in breaches {
        crate::messages::gate_breached(&breach.0);
    }
    if breaches.is_empty() {
        Exit::Success
    } else {
        Exit::GateBreached
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pct: f64, orphans: u64, before: Option<f64>) -> GateFigures {
        GateFigures {
            never_opened_pct: pct,
            events_orphan: orphans,
            previous_never_opened_pct: before,
        }
    }

    #[test]
    fn a_gate_is_breached_only_above_its_limit() {
        let gates = Gates {
            never_opened_above: Some(60.0),
            orphans_above: Some(100),
            never_opened_rises_by: Some(2.0),
        };
        assert!(gates.check(&figures(60.0, 100, Some(58.0))).is_empty());
        let breaches = gates.check(&figures(66.67, 150, Some(60.0)));
        assert_eq!(
            breaches,
            [
                Breach("never_opened_pct is 66.67%, above --fail-if-never-opened-above 60 by 6.67 points".into()),
                Breach("events_orphan is 150, above --fail-if-orphans-above 100 by 50".into()),
                Breach("never_opened_pct rose by 6.67 points (60% to 66.67%), more than --fail-if-never-opened-rises-by 2 (by 4.67 points)".into()),
            ]
        );
    }

    #[test]
    fn no_gates_never_breach() {
        assert!(Gates::default()
            .check(&figures(100.0, u64::MAX, Some(0.0)))
            .is_empty());
        assert_eq!(report_breaches(&[]), Exit::Success);
        let breach = Breach("never_opened_pct is 60%".into());
        assert_eq!(report_breaches(&[breach]), Exit::GateBreached);
    }
}
