//! Header auto-mapping: which column of an export holds which logical field.
//!
//! Headers are compared after normalising (lower case, without spaces, `_`, `-`, `.`,
//! parentheses) against ordered synonym lists; the earliest synonym wins, then the
//! leftmost column. A `--col FILE.FIELD=HEADER` override beats every synonym.

use crate::input_error;
use anyhow::Result;

/// Which kind of file a header row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Assets,
    Events,
    Roster,
    Opportunities,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Assets => "assets",
            Role::Events => "events",
            Role::Roster => "roster",
            Role::Opportunities => "opportunities",
        }
    }

    /// The fields a file of this role can hold, required ones first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Role::Assets => &[
                Field::AssetId,
                Field::Title,
                Field::AssetType,
                Field::Owner,
                Field::Created,
                Field::Cost,
                Field::Hash,
                Field::Url,
            ],
            Role::Events => &[
                Field::EventAsset,
                Field::Time,
                Field::User,
                Field::Team,
                Field::EventType,
                Field::EventOpportunity,
                Field::EventAccount,
                Field::EventCount,
            ],
            Role::Roster => &[Field::RosterUser, Field::RosterTeam],
            Role::Opportunities => &[
                Field::DealId,
                Field::Amount,
                Field::DealOwner,
                Field::DealAccount,
                Field::Stage,
                Field::Won,
                Field::Closed,
                Field::DealCreated,
                Field::CloseDate,
            ],
        }
    }
}

/// A logical field the audit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    AssetId,
    Title,
    AssetType,
    Owner,
    Created,
    Cost,
    /// A content checksum: same value, same file (`duplicates`).
    Hash,
    /// The file's address: same value, same file (`duplicates`).
    Url,
    EventAsset,
    Time,
    User,
    Team,
    EventType,
    RosterUser,
    RosterTeam,
    EventOpportunity,
    EventAccount,
    /// How many events a row of an aggregated export stands for (`sum_click`, views).
    EventCount,
    DealId,
    DealOwner,
    DealAccount,
    Amount,
    Stage,
    Won,
    Closed,
    DealCreated,
    CloseDate,
}

/// The asset-id names, then the bare names usage logs also use for the asset column.
const EVENT_ASSET: &[&str] = &[
    "asset_id",
    "asset id",
    "content id",
    "document id",
    "doc id",
    "file id",
    "item id",
    "id",
    "asset",
    "content",
    "document",
];
/// An inventory's id column: the list above without the bare names, which name other things
/// in an inventory (a `content` column holds text).
const ASSET_ID: &[&str] = EVENT_ASSET.split_at(8).0;
const USER: &[&str] = &[
    "user",
    "user_email",
    "user email",
    "email",
    "user id",
    "user name",
    "rep",
    "rep email",
    "viewer",
];
/// A deal's account, in the opportunities and (with `customer`) in the events.
const ACCOUNT: &[&str] = &["account", "account id", "account name", "company"];
const EVENT_ACCOUNT: &[&str] = &[
    "account",
    "account id",
    "account name",
    "company",
    "customer",
];
const TEAM: &[&str] = &[
    "team",
    "department",
    "group",
    "role",
    "user role",
    "function",
];

impl Field {
    /// The name used in `--col FILE.FIELD=HEADER` and in `check`.
    pub fn name(self) -> &'static str {
        match self {
            Field::AssetId => "id",
            Field::Title => "title",
            Field::AssetType | Field::EventType => "type",
            Field::Owner => "owner",
            Field::Created => "created",
            Field::Cost => "cost",
            Field::Hash => "hash",
            Field::Url => "url",
            Field::EventAsset => "asset",
            Field::Time => "time",
            Field::User | Field::RosterUser => "user",
            Field::Team | Field::RosterTeam => "team",
            Field::EventOpportunity => "opportunity",
            Field::EventAccount | Field::DealAccount => "account",
            Field::EventCount => "count",
            Field::DealId => "id",
            Field::DealOwner => "owner",
            Field::Amount => "amount",
            Field::Stage => "stage",
            Field::Won => "won",
            Field::Closed => "closed",
            Field::DealCreated => "created",
            Field::CloseDate => "close",
        }
    }

    pub fn is_required(self) -> bool {
        matches!(
            self,
            Field::AssetId
                | Field::EventAsset
                | Field::Time
                | Field::RosterUser
                | Field::DealId
                | Field::Amount
        )
    }

    /// Header names that mean this field, most specific first.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::AssetId => ASSET_ID,
            Field::EventAsset => EVENT_ASSET,
            Field::Title => &[
                "title",
                "name",
                "content name",
                "asset name",
                "document name",
                "doc title",
                "file name",
            ],
            Field::AssetType => &["type", "content type", "asset type", "format", "category"],
            Field::Owner => &[
                "owner",
                "author",
                "created by",
                "content owner",
                "owner email",
            ],
            Field::Created => &[
                "created",
                "created_at",
                "created date",
                "published",
                "published at",
                "published date",
                "publish date",
                "upload date",
                "date added",
            ],
            Field::Cost => &["cost", "cost usd", "production cost", "spend"],
            Field::Hash => &[
                "checksum",
                "md5",
                "sha1",
                "sha256",
                "hash",
                "content hash",
                "file hash",
            ],
            Field::Url => &["url", "file url", "link"],
            Field::User | Field::RosterUser => USER,
            Field::Team | Field::RosterTeam => TEAM,
            Field::EventOpportunity => &[
                "opportunity_id",
                "opportunity id",
                "opp id",
                "deal id",
                "opportunity",
            ],
            Field::EventAccount => EVENT_ACCOUNT,
            Field::EventCount => &["count", "event count", "events"],
            Field::DealAccount => ACCOUNT,
            Field::DealId => &[
                "opportunity_id",
                "opportunity id",
                "opp id",
                "deal id",
                "id",
            ],
            Field::DealOwner => &[
                "owner email",
                "owner",
                "opportunity owner",
                "sales_agent",
                "sales agent",
                "rep",
                "owner name",
            ],
            Field::Amount => &[
                "amount",
                "close_value",
                "close value",
                "deal value",
                "value",
                "revenue",
                "arr",
            ],
            Field::Stage => &[
                "stage",
                "stage name",
                "stagename",
                "deal_stage",
                "deal stage",
                "status",
            ],
            Field::Won => &["is won", "iswon", "won"],
            Field::Closed => &["is closed", "isclosed", "closed"],
            Field::DealCreated => &[
                "created date",
                "createddate",
                "created",
                "engage_date",
                "engage date",
                "open date",
                "opened",
            ],
            Field::CloseDate => &["close date", "closedate", "close_date", "closed date"],
            Field::EventType => &[
                "event_type",
                "event",
                "action",
                "activity",
                "activity type",
                "interaction",
                "operation",
                "transaction type",
                "type",
            ],
            Field::Time => &[
                "timestamp",
                "time",
                "date",
                "datetime",
                "event time",
                "event date",
                "occurred at",
                "created_at",
                "start time",
                "started at",
                "viewed at",
                "downloaded at",
                "creation date",
            ],
        }
    }
}

/// Lower case, without spaces, `_`, `-`, `.` and parentheses: "Content ID (v2)" -> "contentidv2".
pub fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '(' | ')') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A user's `--col FILE.FIELD=HEADER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnOverride {
    pub role: Role,
    pub field: Field,
    pub header: String,
    /// A preset's suggestion: taken when the file has this header, passed over when not.
    pub soft: bool,
}

impl ColumnOverride {
    /// Parses `events.user=Rep Email`.
    pub fn parse(spec: &str) -> Result<ColumnOverride> {
        let (key, header) = spec.split_once('=').ok_or_else(|| {
            input_error!(
                "--col {spec:?}: expected FILE.FIELD=HEADER, e.g. events.user=\"Rep Email\""
            )
        })?;
        let (role_name, field_name) = key.trim().split_once('.').ok_or_else(|| {
            input_error!("--col {spec:?}: expected FILE.FIELD before '=', e.g. assets.created")
        })?;
        let role = match role_name {
            "assets" => Role::Assets,
            "events" => Role::Events,
            "roster" => Role::Roster,
            "opportunities" => Role::Opportunities,
            other => {
                return Err(input_error!(
                    "--col {spec:?}: unknown file {other:?} (expected assets, events, roster or opportunities)"
                ))
            }
        };
        let field = role
            .fields()
            .iter()
            .copied()
            .find(|f| f.name() == field_name)
            .ok_or_else(|| {
                let names: Vec<&str> = role.fields().iter().map(|f| f.name()).collect();
                input_error!(
                    "--col {spec:?}: {} files have no field {field_name:?} (fields: {})",
                    role.as_str(),
                    names.join(", ")
                )
            })?;
        Ok(ColumnOverride {
            role,
            field,
            header: header.trim().to_string(),
            soft: false,
        })
    }
}

/// How one field was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMatch {
    pub field: Field,
    /// The chosen column, if any.
    pub column: Option<usize>,
    /// True when a `--col` override (or a preset's header) chose it.
    pub overridden: bool,
    /// True when it was the preset's header.
    pub by_preset: bool,
    /// Other columns that also matched this field and lost.
    pub passed_over: Vec<usize>,
}

/// The mapping of one file's header row.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub role: Role,
    pub headers: Vec<String>,
    pub matches: Vec<FieldMatch>,
}

impl HeaderMap {
    /// Maps `headers` for a file of `role`. Fails when an override names no header;
    /// a missing required field is reported by [`HeaderMap::require`] so `check` can still show the rest.
    pub fn build(
        role: Role,
        headers: &[String],
        overrides: &[ColumnOverride],
    ) -> Result<HeaderMap> {
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        let mut matches = Vec::new();
        for &field in role.fields() {
            let mut chosen = None;
            let mut by_preset = false;
            for o in overrides
                .iter()
                .filter(|o| o.role == role && o.field == field)
            {
                by_preset = o.soft;
                chosen = match find_override(role, o, headers, &normalised) {
                    Ok(column) => Some(column),
                    Err(_) if o.soft => continue,
                    Err(err) => return Err(err),
                };
                break;
            }
            let candidates = synonym_matches(field, &normalised);
            let column = chosen.or_else(|| candidates.first().copied());
            let passed_over = candidates
                .into_iter()
                .filter(|&c| Some(c) != column)
                .collect();
            matches.push(FieldMatch {
                field,
                column,
                overridden: chosen.is_some(),
                by_preset: chosen.is_some() && by_preset,
                passed_over,
            });
        }
        Ok(HeaderMap {
            role,
            headers: headers.to_vec(),
            matches,
        })
    }

    /// The column of a field, if mapped.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.matches.iter().find(|m| m.field == field)?.column
    }

    /// Fails when a required field has no column; the message lists the headers found.
    pub fn require(&self, file: &str) -> Result<()> {
        for m in &self.matches {
            if m.field.is_required() && m.column.is_none() {
                return Err(self.missing_error(file, m.field));
            }
        }
        Ok(())
    }

    /// The error for a field the command needs but the file lacks.
    pub fn missing_error(&self, file: &str, field: Field) -> anyhow::Error {
        let tried: Vec<&str> = field.synonyms().to_vec();
        input_error!(
            "{file}: no {} column for {}.{} (looked for: {}); headers found: {}; map one with --col {}.{}=HEADER{}",
            field.name(),
            self.role.as_str(),
            field.name(),
            tried.join(", "),
            self.quoted_headers(),
            self.role.as_str(),
            field.name(),
            if self.first_row_looks_like_data() {
                "; the first row looks like data, not names: does the file lack its header row?"
            } else {
                ""
            },
        )
    }

    /// A header holding a date or a number is most likely a data row.
    fn first_row_looks_like_data(&self) -> bool {
        let time = crate::input::time::TimeParser::default();
        self.headers.iter().any(|h| {
            let h = h.trim();
            h.parse::<f64>().is_ok() || (h.len() >= 8 && time.parse_str(h).is_some())
        })
    }

    /// Warnings about the header row: repeated names, fields several columns could fill.
    pub fn notes(&self, file: &str) -> Vec<String> {
        let mut notes = Vec::new();
        // Columns by name, in one pass: a file may have a hundred thousand columns.
        let mut columns: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
        for (i, header) in self.headers.iter().enumerate() {
            columns.entry(header).or_default().push(i + 1);
        }
        let mut repeated: Vec<&Vec<usize>> = columns.values().filter(|c| c.len() > 1).collect();
        repeated.sort_unstable();
        for repeats in repeated {
            let header = &self.headers[repeats[0] - 1];
            let mut list: Vec<String> = repeats.iter().take(10).map(usize::to_string).collect();
            if repeats.len() > 10 {
                list.push(format!("and {} more", repeats.len() - 10));
            }
            notes.push(format!(
                "{file}: header {header:?} appears in columns {}; the first is used",
                list.join(", ")
            ));
        }
        for m in &self.matches {
            let (Some(chosen), false) = (m.column, m.overridden) else {
                continue;
            };
            let others: Vec<&String> = m
                .passed_over
                .iter()
                .map(|&c| &self.headers[c])
                .filter(|h| *h != &self.headers[chosen])
                .collect();
            if let Some(other) = others.first() {
                notes.push(format!(
                    "{file}: {role}.{field} could be {chosen:?} (used) or {}; to use another, pass --col {role}.{field}={other:?}",
                    quote_list(&others.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
                    role = self.role.as_str(),
                    field = m.field.name(),
                    chosen = self.headers[chosen],
                ));
            }
        }
        notes
    }

    /// The headers as `"a", "b"` for messages.
    pub fn quoted_headers(&self) -> String {
        quote_list(&self.headers)
    }

    /// Columns no field took.
    pub fn unmapped(&self) -> Vec<usize> {
        (0..self.headers.len())
            .filter(|c| !self.matches.iter().any(|m| m.column == Some(*c)))
            .collect()
    }
}

/// `"a", "b", "c"`.
pub fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|h| format!("{h:?}")).collect();
    quoted.join(", ")
}

/// Columns whose header is a synonym of `field`, best first (synonym order, then leftmost).
fn synonym_matches(field: Field, normalised: &[String]) -> Vec<usize> {
    let mut found = Vec::new();
    for synonym in field.synonyms() {
        let wanted = normalise(synonym);
        for (column, header) in normalised.iter().enumerate() {
            if *header == wanted && !found.contains(&column) {
                found.push(column);
            }
        }
    }
    found
}

/// An override's header: exact match first, then normalised.
fn find_override(
    role: Role,
    o: &ColumnOverride,
    headers: &[String],
    normalised: &[String],
) -> Result<usize> {
    if let Some(c) = headers.iter().position(|h| h == &o.header) {
        return Ok(c);
    }
    let wanted = normalise(&o.header);
    normalised.iter().position(|h| *h == wanted).ok_or_else(|| {
        input_error!(
            "--col {}.{}={:?}: no such header in the {} file; headers found: {}",
            role.as_str(),
            o.field.name(),
            o.header,
            role.as_str(),
            quote_list(headers)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn column_of(map: &HeaderMap, field: Field) -> Option<&str> {
        map.column(field).map(|c| map.headers[c].as_str())
    }

    #[test]
    fn normalising_ignores_case_spaces_and_punctuation() {
        assert_eq!(normalise("Content ID"), "contentid");
        assert_eq!(normalise("created_at"), "createdat");
        assert_eq!(normalise("Cost (USD)"), "costusd");
        assert_eq!(normalise("\u{feff}Doc-Title."), "doctitle");
    }

    #[test]
    fn event_asset_list_extends_the_asset_id_list() {
        assert_eq!(&EVENT_ASSET[..ASSET_ID.len()], ASSET_ID);
    }

    #[test]
    fn every_listed_asset_synonym_maps() {
        for synonym in ASSET_ID {
            let map = HeaderMap::build(Role::Assets, &headers(&[synonym]), &[]).unwrap();
            assert_eq!(map.column(Field::AssetId), Some(0), "{synonym}");
        }
        let map = HeaderMap::build(
            Role::Assets,
            &headers(&[
                "Document ID",
                "Doc Title",
                "Format",
                "Created By",
                "Date Added",
                "Cost USD",
                "MD5",
                "File URL",
            ]),
            &[],
        )
        .unwrap();
        for field in Role::Assets.fields() {
            assert!(map.column(*field).is_some(), "{field:?}");
        }
    }

    #[test]
    fn content_columns_map_and_take_no_other_field() {
        for (header, field) in [
            ("Checksum", Field::Hash),
            ("md5", Field::Hash),
            ("SHA1", Field::Hash),
            ("sha256", Field::Hash),
            ("Hash", Field::Hash),
            ("Content Hash", Field::Hash),
            ("file_hash", Field::Hash),
            ("URL", Field::Url),
            ("File URL", Field::Url),
            ("Link", Field::Url),
        ] {
            let map = HeaderMap::build(Role::Assets, &headers(&["id", header]), &[]).unwrap();
            assert_eq!(map.column(field), Some(1), "{header}");
            let others: Vec<Field> = Role::Assets
                .fields()
                .iter()
                .copied()
                .filter(|f| *f != field && map.column(*f) == Some(1))
                .collect();
            assert!(others.is_empty(), "{header} also maps {others:?}");
        }
        // Every existing inventory header keeps its field; none becomes a content column.
        let map = HeaderMap::build(
            Role::Assets,
            &headers(&[
                "asset_id",
                "title",
                "type",
                "owner",
                "created",
                "cost",
                "file name",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(map.column(Field::Hash), None);
        assert_eq!(map.column(Field::Url), None);
        assert_eq!(column_of(&map, Field::Title), Some("title"));
    }

    #[test]
    fn platform_event_headers_map() {
        let map = HeaderMap::build(
            Role::Events,
            &headers(&[
                "Rep Email",
                "Department",
                "Activity Type",
                "Viewed At",
                "File ID",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(column_of(&map, Field::User), Some("Rep Email"));
        assert_eq!(column_of(&map, Field::Team), Some("Department"));
        assert_eq!(column_of(&map, Field::EventType), Some("Activity Type"));
        assert_eq!(column_of(&map, Field::Time), Some("Viewed At"));
        assert_eq!(column_of(&map, Field::EventAsset), Some("File ID"));
    }

    #[test]
    fn a_count_column_maps_without_taking_another_field() {
        for name in ["count", "Event Count", "events"] {
            let map = HeaderMap::build(
                Role::Events,
                &headers(&["asset_id", "event", "timestamp", "user", name]),
                &[],
            )
            .unwrap();
            assert_eq!(column_of(&map, Field::EventCount), Some(name));
            assert_eq!(column_of(&map, Field::EventType), Some("event"));
            assert_eq!(column_of(&map, Field::User), Some("user"));
        }
        let plain = HeaderMap::build(
            Role::Events,
            &headers(&["Asset ID", "Event Type", "Timestamp", "sum_click"]),
            &[],
        )
        .unwrap();
        assert_eq!(column_of(&plain, Field::EventCount), None);
        let mapped = HeaderMap::build(
            Role::Events,
            &headers(&["Asset ID", "Event Type", "Timestamp", "sum_click"]),
            &[ColumnOverride::parse("events.count=sum_click").unwrap()],
        )
        .unwrap();
        assert_eq!(column_of(&mapped, Field::EventCount), Some("sum_click"));
    }

    #[test]
    fn earliest_synonym_wins_then_leftmost() {
        let map = HeaderMap::build(
            Role::Events,
            &headers(&["Date", "asset", "id", "Timestamp", "Email", "User", "user"]),
            &[],
        )
        .unwrap();
        assert_eq!(column_of(&map, Field::Time), Some("Timestamp"));
        assert_eq!(column_of(&map, Field::User), Some("User"));
        assert_eq!(column_of(&map, Field::EventAsset), Some("id"));
        let time = map.matches.iter().find(|m| m.field == Field::Time).unwrap();
        assert_eq!(time.passed_over, vec![0]);
        let user = map.matches.iter().find(|m| m.field == Field::User).unwrap();
        assert_eq!(user.passed_over, vec![6, 4]);
    }

    #[test]
    fn override_matches_exactly_then_normalised() {
        let o = ColumnOverride::parse("events.user=rep_mail").unwrap();
        let map = HeaderMap::build(Role::Events, &headers(&["User", "Rep Mail"]), &[o]).unwrap();
        assert_eq!(column_of(&map, Field::User), Some("Rep Mail"));
        let o = ColumnOverride::parse("events.time=When").unwrap();
        let err = HeaderMap::build(Role::Events, &headers(&["User"]), &[o]).unwrap_err();
        assert!(err.to_string().contains("\"User\""), "{err}");
    }

    #[test]
    fn bad_overrides_are_explained() {
        for bad in ["events.user", "user=X", "ledger.user=X", "events.cost=X"] {
            assert!(ColumnOverride::parse(bad).is_err(), "{bad}");
        }
        let o = ColumnOverride::parse("assets.created = Published on").unwrap();
        assert_eq!(o.field, Field::Created);
        assert_eq!(o.header, "Published on");
    }

    #[test]
    fn salesforce_and_maven_opportunity_headers_map() {
        let map = HeaderMap::build(
            Role::Opportunities,
            &headers(&[
                "Id",
                "AccountId",
                "Owner Email",
                "Amount",
                "StageName",
                "IsWon",
                "IsClosed",
                "CloseDate",
                "CreatedDate",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(column_of(&map, Field::DealId), Some("Id"));
        assert_eq!(column_of(&map, Field::DealAccount), Some("AccountId"));
        assert_eq!(column_of(&map, Field::DealOwner), Some("Owner Email"));
        assert_eq!(column_of(&map, Field::Amount), Some("Amount"));
        assert_eq!(column_of(&map, Field::Stage), Some("StageName"));
        assert_eq!(column_of(&map, Field::Won), Some("IsWon"));
        assert_eq!(column_of(&map, Field::Closed), Some("IsClosed"));
        assert_eq!(column_of(&map, Field::CloseDate), Some("CloseDate"));
        assert_eq!(column_of(&map, Field::DealCreated), Some("CreatedDate"));
        let maven = HeaderMap::build(
            Role::Opportunities,
            &headers(&[
                "opportunity_id",
                "sales_agent",
                "product",
                "account",
                "deal_stage",
                "engage_date",
                "close_date",
                "close_value",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(column_of(&maven, Field::DealId), Some("opportunity_id"));
        assert_eq!(column_of(&maven, Field::DealOwner), Some("sales_agent"));
        assert_eq!(column_of(&maven, Field::DealAccount), Some("account"));
        assert_eq!(column_of(&maven, Field::Amount), Some("close_value"));
        assert_eq!(column_of(&maven, Field::Stage), Some("deal_stage"));
        assert_eq!(column_of(&maven, Field::DealCreated), Some("engage_date"));
        assert_eq!(column_of(&maven, Field::CloseDate), Some("close_date"));
        assert_eq!(maven.column(Field::Won), None);
        assert!(maven.require("pipeline.csv").is_ok());
    }

    #[test]
    fn missing_required_field_lists_headers() {
        let map = HeaderMap::build(Role::Events, &headers(&["When", "Who"]), &[]).unwrap();
        let err = map.require("usage.csv").unwrap_err().to_string();
        assert!(
            err.contains("usage.csv") && err.contains("\"When\", \"Who\""),
            "{err}"
        );
    }
}
