//! Per-platform presets: the header names a platform's export uses, tried before the generic
//! synonyms, and what its event-type values mean.

use crate::input::headers::{ColumnOverride, Field, Role};
use crate::input_error;
use anyhow::Result;

/// What one platform's exports look like.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    /// (file, field, headers in order of preference). A header the file lacks is passed over
    /// and the usual synonyms apply, so a preset never makes a file unreadable.
    pub columns: &'static [(Role, Field, &'static [&'static str])],
    /// (platform's event type, what it is): `--types download` then counts both spellings.
    pub event_types: &'static [(&'static str, &'static str)],
    /// The event's asset id sits inside a JSON object in the asset column, under this key.
    pub asset_json_key: Option<&'static str>,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "showpad",
        columns: &[
            (Role::Events, Field::EventAsset, &["assetId"]),
            (Role::Events, Field::User, &["userId", "userEmail"]),
            (Role::Events, Field::Time, &["startTime"]),
            (Role::Events, Field::EventType, &["type"]),
        ],
        event_types: &[],
        asset_json_key: None,
    },
    Preset {
        name: "salesforce-content",
        columns: &[
            (Role::Events, Field::EventAsset, &["DOCUMENT_ID"]),
            (Role::Events, Field::User, &["USER_ID"]),
            (Role::Events, Field::Time, &["TIMESTAMP"]),
            (Role::Events, Field::EventType, &["TRANSACTION_TYPE"]),
        ],
        event_types: &[
            ("VersionDownloadAction", "download"),
            ("VersionDownloadApi", "download"),
            ("VersionRenditionDownload", "preview"),
        ],
        asset_json_key: None,
    },
    Preset {
        name: "m365-purview",
        columns: &[
            (Role::Events, Field::EventAsset, &["AuditData"]),
            (Role::Events, Field::User, &["UserId", "UserIds"]),
            (Role::Events, Field::Time, &["CreationDate"]),
            (Role::Events, Field::EventType, &["Operation", "Operations"]),
            (Role::Assets, Field::AssetId, &["ObjectId", "Path", "URL"]),
        ],
        event_types: &[
            ("FileAccessed", "view"),
            ("FilePreviewed", "preview"),
            ("FileDownloaded", "download"),
            ("FileSyncDownloadedFull", "download"),
        ],
        asset_json_key: Some("ObjectId"),
    },
    Preset {
        name: "google-drive",
        columns: &[
            (Role::Assets, Field::AssetId, &["doc_id"]),
            (Role::Assets, Field::Title, &["doc_title"]),
            (Role::Assets, Field::AssetType, &["doc_type"]),
            (Role::Assets, Field::Owner, &["owner"]),
            (Role::Events, Field::EventAsset, &["doc_id"]),
            (Role::Events, Field::User, &["actor", "user"]),
            (Role::Events, Field::EventType, &["event_name", "event"]),
        ],
        event_types: &[],
        asset_json_key: None,
    },
];

impl Preset {
    /// The preset of this name, or a usage error listing the names.
    pub fn named(name: &str) -> Result<&'static Preset> {
        PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            input_error!("unknown preset {name:?} (presets: {})", names.join(", "))
        })
    }

    /// The preset's header names as soft overrides: used when the file has them.
    pub fn overrides(&self) -> Vec<ColumnOverride> {
        self.columns
            .iter()
            .flat_map(|&(role, field, headers)| {
                headers.iter().map(move |h| ColumnOverride {
                    role,
                    field,
                    header: (*h).to_string(),
                    soft: true,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_found_by_name_and_a_wrong_name_lists_them() {
        for preset in PRESETS {
            assert_eq!(Preset::named(preset.name).unwrap().name, preset.name);
        }
        let err = Preset::named("hubspot").unwrap_err().to_string();
        assert!(
            err.contains("showpad, salesforce-content, m365-purview, google-drive"),
            "{err}"
        );
    }

    #[test]
    fn preset_headers_name_fields_of_their_file() {
        for preset in PRESETS {
            for (role, field, _) in preset.columns {
                assert!(role.fields().contains(field), "{}: {field:?}", preset.name);
            }
        }
    }
}
