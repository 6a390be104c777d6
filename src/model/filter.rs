//! Which events count, besides the window and the inventory: the filter and its predicates.

use crate::model::fold_key;

/// Which events count, besides the window and the inventory.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Folded event types; empty means every type.
    pub types: Vec<Vec<u8>>,
    /// Folded teams; empty means any team.
    pub teams: Vec<Vec<u8>>,
    pub exclude_owners: bool,
    /// Folded users whose events never count.
    pub exclude_users: Vec<Vec<u8>>,
    /// A preset's (platform type, plain type), folded: `--types download` admits both.
    pub type_aliases: Vec<(Vec<u8>, Vec<u8>)>,
}

impl EventFilter {
    /// The filter of the values as given (`--types`, `--team`, `--exclude-owners`,
    /// `--exclude-user`), folded; `type_aliases` pairs a platform's event type with the plain
    /// one it stands for (a preset's).
    pub fn new(
        types: &[String],
        teams: &[String],
        exclude_owners: bool,
        exclude_users: &[String],
        type_aliases: &[(&str, &str)],
    ) -> EventFilter {
        let fold_all = |values: &[String]| -> Vec<Vec<u8>> {
            values
                .iter()
                .map(|v| fold_key(v))
                .filter(|v| !v.is_empty())
                .collect()
        };
        EventFilter {
            types: fold_all(types),
            teams: fold_all(teams),
            exclude_owners,
            exclude_users: fold_all(exclude_users),
            type_aliases: type_aliases
                .iter()
                .map(|(platform, plain)| (fold_key(platform), fold_key(plain)))
                .collect(),
        }
    }

    #[inline]
    pub fn admits_type(&self, kind: &[u8]) -> bool {
        self.types.is_empty() || self.types.iter().any(|t| self.type_is(t, kind))
    }

    /// Whether the folded event type `kind` is the folded `--types` value `wanted`, as
    /// written or through the preset's platform spelling.
    pub fn type_is(&self, wanted: &[u8], kind: &[u8]) -> bool {
        wanted == kind
            || self
                .type_aliases
                .iter()
                .find(|(platform, _)| platform == kind)
                .is_some_and(|(_, plain)| plain == wanted)
    }

    #[inline]
    pub fn admits_team(&self, team: &[u8]) -> bool {
        self.teams.is_empty() || self.teams.iter().any(|t| t == team)
    }

    #[inline]
    pub fn admits_user(&self, user: &[u8]) -> bool {
        self.exclude_users.is_empty() || !self.exclude_users.iter().any(|u| u == user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn empty_lists_admit_everything() {
        let filter = EventFilter::new(&[], &[], false, &[], &[]);
        assert!(filter.admits_type(b"view") && filter.admits_team(b"emea"));
        assert!(filter.admits_user(b"ana@example.com"));
    }

    #[test]
    fn values_are_folded_and_blank_ones_dropped() {
        let filter = EventFilter::new(
            &strings(&[" View ", ""]),
            &strings(&["EMEA"]),
            true,
            &strings(&["Ana@Example.com"]),
            &[],
        );
        assert_eq!(filter.types, vec![fold_key("view")]);
        assert!(filter.admits_type(&fold_key("VIEW")) && !filter.admits_type(b"share"));
        assert!(filter.admits_team(&fold_key("emea")) && !filter.admits_team(b"apac"));
        assert!(!filter.admits_user(&fold_key("ana@example.com")));
        assert!(filter.admits_user(&fold_key("bo@example.com")));
        assert!(filter.exclude_owners);
    }

    #[test]
    fn a_preset_spelling_counts_as_the_plain_type() {
        let filter = EventFilter::new(
            &strings(&["download"]),
            &[],
            false,
            &[],
            &[("asset_downloaded", "download")],
        );
        assert!(filter.admits_type(&fold_key("asset_downloaded")));
        assert!(filter.admits_type(&fold_key("download")));
        assert!(!filter.admits_type(&fold_key("asset_viewed")));
    }
}
