//! The analysis layer: one pass over the events, then statuses and figures every report reads.

pub mod aggregate;
pub mod duplicates;
pub mod file_tally;
pub mod influence;
pub mod once_only;
pub mod periods;
pub mod rows;
pub mod scan;
pub mod similarity;
pub mod summary;
pub mod touches;
pub mod values;
pub mod warnings;

use crate::config::Config;
use crate::input::assets::load_inventory;
use crate::input::file_report::FileReport;
use crate::input::headers::quote_list;
use crate::input::problems::Problems;
use crate::input::roster::{load_roster, Roster};
use crate::input_error;
use crate::model::{Groups, Inventory, Status, WhereOutcome};
use aggregate::Aggregate;
use anyhow::Result;
use periods::{Period, TrendSplit, TrendTally};
use rows::ScanContext;
use scan::scan_events;
use warnings::{Findings, Warning};

/// The joined, tallied and classified inputs: what every report is built from.
pub struct Audit {
    pub inventory: Inventory,
    pub usage: Aggregate,
    /// The status of each inventory asset, indexed like the inventory.
    pub statuses: Vec<Status>,
    pub files: Vec<FileReport>,
    pub problems: Problems,
    pub roster: Option<Roster>,
    /// Names of the groups of a trend split by an asset column.
    pub trend_groups: Vec<String>,
    /// What looks like a mistake behind the figures.
    pub warnings: Vec<Warning>,
    /// Each asset's rank among the ids as plain text (the tie rule of first and last
    /// touches), when the pass touched deals; empty otherwise.
    pub asset_ranks: Vec<u32>,
}

impl Drop for Audit {
    /// Leaves the inventory and the tallies, most of an audit's blocks, for the process's
    /// exit to free when it is about to end (see [`crate::heap::left_to_exit`]).
    fn drop(&mut self) {
        if crate::heap::left_to_exit() {
            std::mem::forget(std::mem::take(&mut self.inventory));
            std::mem::forget(std::mem::take(&mut self.usage));
        }
    }
}

/// What the pass reads besides the events: the inventory (and roster), read and ready.
struct Inputs {
    problems: Problems,
    inventory: Inventory,
    asset_where: WhereOutcome,
    files: Vec<FileReport>,
    roster: Option<Roster>,
    usage: Aggregate,
    trend_groups: Vec<String>,
    /// The trend is split by the events' team.
    needs_team: bool,
}

impl Inputs {
    fn load(config: &Config, trend: Option<&TrendRequest>) -> Result<Inputs> {
        crate::input::identity::refuse_same_data(&config.read.events)?;
        let mut problems = Problems::new(config.read.strict);
        let (mut inventory, assets_report) = load_inventory(&config.read, &mut problems)?;
        inventory.set_splits(&config.splits)?;
        let asset_where = inventory.keep_where(&config.asset_where)?;
        let mut files = vec![assets_report];
        let roster = match &config.read.roster {
            Some(path) => {
                let (roster, report) =
                    load_roster(path, &config.read, &config.filter, &mut problems)?;
                files.push(report);
                Some(roster)
            }
            None => None,
        };
        let mut usage = Aggregate::new(inventory.len());
        if !config.keep_pairs {
            usage.pairs = crate::keys::PairSet::unkept();
        }
        let mut trend_groups = Vec::new();
        if let Some(request) = trend {
            let split = match request.by.as_deref() {
                None => TrendSplit::Whole,
                Some("team") => TrendSplit::ByTeam,
                Some(name) => {
                    let column = inventory.column_named(name).ok_or_else(|| {
                        input_error!(
                            "--by {name:?}: no such asset column (nor `team`); headers found: {}",
                            quote_list(&inventory.headers)
                        )
                    })?;
                    let groups = inventory.groups_by_column(column);
                    trend_groups = groups.names.clone();
                    TrendSplit::ByAsset(groups)
                }
            };
            usage.trend = Some(TrendTally::new(request.period, split));
        }
        Ok(Inputs {
            problems,
            inventory,
            asset_where,
            files,
            roster,
            usage,
            trend_groups,
            needs_team: matches!(trend.and_then(|t| t.by.as_deref()), Some("team")),
        })
    }
}

/// A trend to tally during the pass.
#[derive(Debug, Clone)]
pub struct TrendRequest {
    pub period: Period,
    /// An asset column, or `team` for the event's team.
    pub by: Option<String>,
}

impl Audit {
    /// Reads the inputs named in `config` and runs the pass, tallying `trend` if asked.
    pub fn run(config: &Config, trend: Option<&TrendRequest>) -> Result<Audit> {
        Audit::run_with(config, trend, false, None)
    }

    /// The pass for `influence` (and `report`, `snapshot` with deals): counted events also
    /// touch the deals of `deals`; `trend` is tallied if asked.
    pub fn run_influence(
        config: &Config,
        trend: Option<&TrendRequest>,
        deals: &influence::DealIndex,
    ) -> Result<Audit> {
        Audit::run_with(config, trend, false, Some(deals))
    }

    /// [`Audit::run_influence`] with deals that `load_deals` reads on a thread of its own
    /// while the inventory (and roster) are read: an error reading the deals is told before
    /// one reading the others, as when they are read first.
    pub fn run_influence_loading(
        config: &Config,
        trend: Option<&TrendRequest>,
        load_deals: impl FnOnce() -> Result<influence::DealIndex> + Send,
    ) -> Result<(Audit, influence::DealIndex)> {
        let (inputs, deals) = std::thread::scope(|scope| {
            let loading = scope.spawn(load_deals);
            let inputs = Inputs::load(config, trend);
            let deals = loading
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (inputs, deals)
        });
        let deals = deals?;
        let audit = Audit::pass(config, inputs?, false, Some(&deals))?;
        Ok((audit, deals))
    }

    /// The pass for `check`: every readable row's type and team are tallied, in the window
    /// or not.
    pub fn run_listing(config: &Config) -> Result<Audit> {
        Audit::run_with(config, None, true, None)
    }

    fn run_with(
        config: &Config,
        trend: Option<&TrendRequest>,
        list_values: bool,
        deals: Option<&influence::DealIndex>,
    ) -> Result<Audit> {
        Audit::pass(config, Inputs::load(config, trend)?, list_values, deals)
    }

    /// The pass over the events, and what follows from it.
    fn pass(
        config: &Config,
        inputs: Inputs,
        list_values: bool,
        deals: Option<&influence::DealIndex>,
    ) -> Result<Audit> {
        let Inputs {
            mut problems,
            inventory,
            asset_where,
            mut files,
            roster,
            mut usage,
            trend_groups,
            needs_team,
        } = inputs;
        // The tie rule of first and last touches orders assets by id as plain text.
        let asset_ranks = match deals {
            Some(_) => influence::id_ranks(inventory.assets.iter().map(|a| a.id())),
            None => Vec::new(),
        };
        let ctx = ScanContext {
            inventory: &inventory,
            filter: &config.filter,
            window: config.window,
            time: &config.read.time,
            needs_team,
            teams: config.keep_teams
                || needs_team
                || list_values
                || !config.filter.teams.is_empty(),
            asset_json_key: config.read.asset_json_key,
            list_values,
            pseudonyms: config.pseudonyms.as_ref(),
            deals,
            asset_ranks: &asset_ranks,
        };
        files.extend(scan_events(
            &config.read,
            &ctx,
            &mut usage,
            &mut problems,
            config.read.parallel,
        )?);
        let statuses = inventory
            .assets
            .iter()
            .zip(&usage.assets)
            .map(|(asset, used)| config.policy.classify(asset.created, used.last()))
            .collect();
        let warnings = Findings {
            config,
            inventory: &inventory,
            usage: &usage,
            files: &files,
            all_rows: list_values,
            asset_where: &asset_where,
        }
        .warnings();
        Ok(Audit {
            inventory,
            usage,
            statuses,
            files,
            problems,
            roster,
            trend_groups,
            warnings,
            asset_ranks,
        })
    }

    /// Distinct users among the counted events on each group's assets.
    pub fn users_by_group(&self, groups: &Groups) -> Vec<u64> {
        let mut users = vec![0u64; groups.len()];
        // Pairs come one user at a time, so a user is new to a group unless it was the last.
        let mut last_user = vec![u32::MAX; groups.len()];
        if let Some(group_of) = groups.single() {
            self.usage.pairs.for_each(|asset, user| {
                let group = group_of[asset as usize] as usize;
                if last_user[group] != user {
                    last_user[group] = user;
                    users[group] += 1;
                }
            });
            return users;
        }
        self.usage.pairs.for_each(|asset, user| {
            for &group in groups.of(asset as usize) {
                let group = group as usize;
                if last_user[group] != user {
                    last_user[group] = user;
                    users[group] += 1;
                }
            }
        });
        users
    }

    /// Distinct users among the counted events on each asset.
    pub fn users_per_asset(&self) -> Vec<u64> {
        self.usage.pairs.users_per_asset(self.inventory.len())
    }
}
