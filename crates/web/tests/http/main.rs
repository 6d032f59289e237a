//! Real HTTP against a real server on a loopback port, on both backends.

mod api;
mod conference;
mod dossiers;
mod history;
mod movements;
mod pages;
mod registers;
mod rounds;
mod server;
