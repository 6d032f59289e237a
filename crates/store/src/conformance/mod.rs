//! Scenarios every backend must pass, run by each backend's tests through
//! `conformance_tests!`. They use only the `Store` trait.
//!
//! One module per storage area, named as the traits are (`crate::<area>`); `fixtures` holds
//! what several areas build on. A scenario is a `pub async fn(Arc<dyn Store>)` in its area's
//! module and is listed in `conformance_tests!` below, which runs it on the backend.

mod fixtures;

pub mod accounts;
pub mod audit;
pub mod clusters;
pub mod concurrency;
pub mod conference;
pub mod decisions;
pub mod documents;
pub mod dossiers;
pub mod history;
pub mod movements;
pub mod people;
pub mod register;
pub mod units;

pub use fixtures::{new_person, new_unit};

/// Generates one `#[tokio::test]` per scenario, in a module per storage area (test names read
/// `units::moving_a_unit_moves_its_subtree`). `$make` is an async expression giving
/// `(Arc<dyn Store>, guard)`; the guard lives as long as the test (e.g. a temp database).
/// Every scenario of `tdkt_store::conformance` is listed here, so every backend runs them all.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@areas $make;
            units {
                ancestors_children_and_roots,
                moving_a_unit_moves_its_subtree_and_keeps_history,
                a_unit_cannot_go_under_its_own_descendant,
                unit_search_folds_diacritics,
                a_merge_needs_every_predecessor_and_ends_them,
                a_duplicate_unit_code_is_a_clear_conflict,
            }
            people {
                people_search_folds_diacritics,
                people_scope_and_paging,
                a_position_change_before_the_current_one_is_refused,
                a_position_change_closes_the_previous_position,
                ratings_are_merged_by_year,
                a_duplicate_cccd_is_a_clear_conflict,
            }
            accounts {
                users_have_unique_names_and_their_grants,
                login_failures_count_up_to_a_lock,
                sessions_open_expire_and_close,
                a_password_change_ends_every_session,
                api_tokens_are_used_and_revoked,
            }
            clusters {
                clusters_keep_historic_members,
                a_duplicate_cluster_code_is_a_clear_conflict,
            }
            conference {
                covenants_are_replaced_and_signed,
                scores_are_replaced_and_closed,
                a_ballot_takes_votes_only_while_open,
                papers_must_match_their_voters,
                closing_a_ballot_keeps_every_paper_and_elects_next_years_roles,
                a_stale_count_is_refused,
                rotation_is_stored,
            }
            history {
                titles_are_merged_by_year_and_award,
                award_records_are_for_a_person_or_a_unit,
                initiatives_are_created_and_reviewed,
                member_stats_count_the_positions_held_that_year,
                an_initiative_is_used_by_one_award_only,
                deleting_a_title_releases_its_initiative,
                unit_initiatives_include_the_subtree_newest_first,
                an_import_is_all_or_nothing,
            }
            dossiers {
                a_new_dossier_is_a_numbered_draft,
                a_step_applies_only_at_the_version_seen,
            }
            documents {
                document_versions_share_one_stored_file,
                uploads_are_on_the_timeline_but_keep_the_version,
            }
            decisions {
                a_stale_version_issues_no_decision,
                decisions_are_numbered_per_authority_and_year,
            }
            register {
                a_decision_writes_the_register,
            }
            movements {
                a_movement_keeps_its_children_and_is_edited_only_as_a_draft,
                lists_hide_drafts_from_the_public_and_filter,
                registrations_keep_every_version,
                a_report_is_amended_but_dated_by_its_first_submission,
                dossiers_and_awards_carry_their_movement,
            }
            audit {
                audit_chain_covers_every_write,
                failed_write_leaves_nothing,
            }
            concurrency {
                concurrent_writes_all_succeed,
                one_vote_per_unit_under_concurrency,
                concurrent_moves_from_one_version_have_one_winner,
                decisions_signed_at_once_get_gapless_numbers,
            }
        );
    };
    (@areas $make:expr; $($area:ident { $($name:ident),* $(,)? })*) => {
        $(
            mod $area {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $name() {
                        let (store, _guard) = $make.await;
                        $crate::conformance::$area::$name(store).await;
                    }
                )*
            }
        )*
    };
}
