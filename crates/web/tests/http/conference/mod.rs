//! The whole conference over HTTP: covenant (API), scores (forms), ranking visibility, ballot
//! (create, open, vote, double vote, close), results, minutes and next year.

use reqwest::StatusCode;
use serde_json::json;
use tdkt_app::accounts::UserInput;
use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_store::{Actor, NewCluster, NewClusterYear};

use crate::server::{PASSWORD, Server};

mod ballots;
mod covenant;
mod walkthrough;
