//! The HTML interface: login and its cookie, CSRF, pages in Vietnamese, errors, the demo
//! data.

mod csrf;
mod demo;
mod login;
mod navigation;
