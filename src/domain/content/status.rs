//! Publication state and the status derived from it (never stored).

use chrono::NaiveDateTime;

word_enum!(
    /// An item's status, derived from its publication state at a moment.
    #[schema(as = ContentStatus)]
    Status {
        /// Not published now and nothing scheduled.
        Draft,
        /// A publish is pending.
        Scheduled,
        /// The published version is the latest.
        Published,
        /// Published, with newer versions not published.
        Changed,
        Archived,
    }
);

/// A time during which the public sees one version of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub version: i64,
    pub from: NaiveDateTime,
    /// `None`: until something else is decided.
    pub until: Option<NaiveDateTime>,
}

/// The stored publication columns of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Publication {
    pub latest_version: i64,
    pub published_version: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub publish_version: Option<i64>,
    pub publish_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub archived: bool,
}

impl Publication {
    /// The state at `now`: schedules whose time has come count as done, whether or not a
    /// background job has written them yet. Due changes apply in time order.
    #[must_use]
    pub fn at(self, now: NaiveDateTime) -> Self {
        let mut s = self;
        let due_publish = s.publish_at.filter(|t| *t <= now);
        let due_unpublish = s.unpublish_at.filter(|t| *t <= now);
        let publish = |s: &mut Self, at: NaiveDateTime| {
            s.published_version = s.publish_version.take().or(s.published_version);
            s.published_at = Some(at);
            s.publish_at = None;
        };
        let unpublish = |s: &mut Self| {
            s.published_version = None;
            s.published_at = None;
            s.unpublish_at = None;
        };
        match (due_publish, due_unpublish) {
            (Some(p), Some(u)) if u < p => {
                unpublish(&mut s);
                publish(&mut s, p);
            }
            (Some(p), Some(_)) => {
                publish(&mut s, p);
                unpublish(&mut s);
            }
            (Some(p), None) => publish(&mut s, p),
            (None, Some(_)) => unpublish(&mut s),
            (None, None) => {}
        }
        s
    }

    /// What the public sees from `now` on: each version with the moment it became (or
    /// becomes) visible and the moment it stops, in time order. Derived from [`Self::at`]
    /// at every scheduled moment, so it is the same rule: the public read model stores
    /// these windows, and everything that asks "is this public now" (lists, items, files,
    /// the admin's status filter) asks the read model.
    pub fn windows(self, now: NaiveDateTime) -> Vec<Window> {
        if self.archived {
            return Vec::new();
        }
        let mut starts = vec![now];
        starts.extend(
            [self.publish_at, self.unpublish_at]
                .into_iter()
                .flatten()
                .filter(|t| *t > now),
        );
        starts.sort_unstable();
        starts.dedup();
        let mut out = Vec::new();
        for (i, start) in starts.iter().enumerate() {
            let state = self.at(*start);
            if let Some(version) = state.published_version {
                out.push(Window {
                    version,
                    // The live version has been visible since it was published.
                    from: if i == 0 {
                        state.published_at.unwrap_or(now)
                    } else {
                        *start
                    },
                    until: starts.get(i + 1).copied(),
                });
            }
        }
        out
    }

    /// The status at `now`.
    pub fn status(self, now: NaiveDateTime) -> Status {
        let s = self.at(now);
        if s.archived {
            Status::Archived
        } else if s.publish_at.is_some() {
            Status::Scheduled
        } else {
            match s.published_version {
                Some(v) if v >= s.latest_version => Status::Published,
                Some(_) => Status::Changed,
                None => Status::Draft,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(mins: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::minutes(mins)
    }

    #[test]
    fn derives_each_status() {
        let base = Publication {
            latest_version: 3,
            ..Publication::default()
        };
        let now = t(0);
        assert_eq!(base.status(now), Status::Draft);
        let live = Publication {
            published_version: Some(3),
            published_at: Some(t(-5)),
            ..base
        };
        assert_eq!(live.status(now), Status::Published);
        let changed = Publication {
            published_version: Some(2),
            ..live
        };
        assert_eq!(changed.status(now), Status::Changed);
        let pending = Publication {
            publish_version: Some(3),
            publish_at: Some(t(10)),
            ..changed
        };
        assert_eq!(pending.status(now), Status::Scheduled);
        // Its time has come: published even before a job has written it.
        assert_eq!(pending.status(t(11)), Status::Published);
        assert_eq!(pending.at(t(11)).published_at, Some(t(10)));
        let leaving = Publication {
            unpublish_at: Some(t(10)),
            ..live
        };
        assert_eq!(leaving.status(now), Status::Published);
        assert_eq!(leaving.status(t(10)), Status::Draft);
        let archived = Publication {
            archived: true,
            ..pending
        };
        assert_eq!(archived.status(now), Status::Archived);
    }

    #[test]
    fn windows_follow_the_schedule() {
        let w = |version, from, until: Option<i64>| Window {
            version,
            from: t(from),
            until: until.map(t),
        };
        let live = Publication {
            latest_version: 2,
            published_version: Some(1),
            published_at: Some(t(-5)),
            ..Publication::default()
        };
        assert_eq!(live.windows(t(0)), [w(1, -5, None)]);
        // A new version at 10, taken off at 20.
        let planned = Publication {
            publish_version: Some(2),
            publish_at: Some(t(10)),
            unpublish_at: Some(t(20)),
            ..live
        };
        assert_eq!(
            planned.windows(t(0)),
            [w(1, -5, Some(10)), w(2, 10, Some(20))]
        );
        // Taken off at 5, the new version shown from 10 on.
        let gap = Publication {
            unpublish_at: Some(t(5)),
            ..planned
        };
        assert_eq!(gap.windows(t(0)), [w(1, -5, Some(5)), w(2, 10, None)]);
        // Both due at the same moment: publish, then unpublish, as `at` applies them.
        let same = Publication {
            unpublish_at: Some(t(10)),
            ..planned
        };
        assert_eq!(same.windows(t(0)), [w(1, -5, Some(10))]);
        assert_eq!(same.status(t(10)), Status::Draft);
        // Once due, a window starts at its publication time.
        assert_eq!(planned.windows(t(12)), [w(2, 10, Some(20))]);
        let archived = Publication {
            archived: true,
            ..live
        };
        assert!(archived.windows(t(0)).is_empty());
    }

    /// The windows and `at` are one rule: at every moment, the version a window shows is
    /// the version `at` says is published.
    #[test]
    fn windows_agree_with_the_state_at_every_moment() {
        let options = |xs: &[i64]| -> Vec<Option<NaiveDateTime>> {
            std::iter::once(None)
                .chain(xs.iter().map(|m| Some(t(*m))))
                .collect()
        };
        for published_version in [None, Some(1)] {
            for publish_at in options(&[-3, 0, 4, 8]) {
                for unpublish_at in options(&[-2, 0, 4, 6, 8]) {
                    let p = Publication {
                        latest_version: 2,
                        published_version,
                        published_at: published_version.map(|_| t(-10)),
                        publish_version: publish_at.map(|_| 2),
                        publish_at,
                        unpublish_at,
                        archived: false,
                    };
                    let windows = p.windows(t(0));
                    for m in 0..12 {
                        let shown = windows
                            .iter()
                            .find(|w| w.from <= t(m) && w.until.is_none_or(|u| u > t(m)))
                            .map(|w| w.version);
                        assert_eq!(shown, p.at(t(m)).published_version, "{p:?} at {m}");
                    }
                }
            }
        }
    }

    #[test]
    fn due_changes_apply_in_time_order() {
        let base = Publication {
            latest_version: 2,
            publish_version: Some(2),
            publish_at: Some(t(5)),
            unpublish_at: Some(t(1)),
            published_version: Some(1),
            ..Publication::default()
        };
        assert_eq!(base.at(t(6)).published_version, Some(2));
        let later_unpublish = Publication {
            unpublish_at: Some(t(9)),
            ..base
        };
        assert_eq!(later_unpublish.at(t(10)).published_version, None);
        assert_eq!(later_unpublish.status(t(10)), Status::Draft);
    }
}
