//! Real HTTP against a real server on a loopback port, on both backends.

mod api;
mod pages;
mod server;
