//! Use-case tests on real databases: every test runs on a fresh SQLite file and on a fresh
//! PostgreSQL database.

mod access;
mod audit;
mod auth;
mod conference;
mod demo;
mod dossiers;
mod history;
mod movements;
mod records;
mod rounds;
mod secrecy;
