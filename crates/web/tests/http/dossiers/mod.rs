//! Nomination dossiers over real HTTP, on both backends.
//!
//! `walkthrough` follows one dossier from the clerk's draft to the printed certificate and
//! `api` the simplified procedure through the JSON API; the other files check one use case
//! each, starting from a dossier that [`Case::at`] brings to a [`Stage`] of that same path.

mod api;
mod certificates;
mod consultation;
mod council;
mod decision;
mod documents;
mod register;
mod walkthrough;
mod workflow;

use reqwest::Response;
use reqwest::multipart::Part;
use tdkt_app::testing::Backend;

use crate::server::{Browser, Server, assert_redirect, assert_status, hidden};

/// The nominee's identity number: the public must never see it.
pub const CCCD: &str = "066085000123";

/// Why the specialist returns the dossier for supplement (private to the office).
pub const RETURN_REASON: &str = "Báo cáo thành tích thiếu xác nhận của thủ trưởng";

/// Why the specialist passes a nominee the engine finds no history for (private too).
pub const OVERRIDE_REASON: &str =
    "Thành tích đột xuất trong chuyển đổi số, đã đối chiếu minh chứng";

/// A tiny file that passes the PDF content check.
pub fn pdf_bytes(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

/// Text without whitespace (PDF text extraction breaks lines and words anywhere).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of a PDF, squashed.
pub fn pdf_text(bytes: &[u8]) -> String {
    squash(&pdf_extract::extract_text_from_mem(bytes).unwrap())
}

/// The dossier's current version, as the page's step forms carry it.
pub fn version(page: &str) -> String {
    hidden(page, "phien_ban")
}

/// The value after `marker` up to the next `"`.
pub fn after<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {marker} in page"))
}

/// The verification key printed under a certificate's QR code (its text, squashed).
pub fn verification_key(certificate_text: &str) -> String {
    certificate_text
        .split("/xac-minh/")
        .nth(1)
        .expect("verification address printed under the QR code")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// How far along the walkthrough's path [`Case::at`] brings a dossier. Each stage includes
/// the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Drafted by the clerk, no documents.
    Draft,
    /// The proposal letter and the achievement report uploaded, sent.
    Submitted,
    /// Received by the specialist `chuyenvien`.
    Received,
    /// Appraisal started.
    InAppraisal,
    /// Returned for supplement with [`RETURN_REASON`].
    Returned,
    /// Sent again with a second version of the report.
    Resubmitted,
    /// The nominee passed with [`OVERRIDE_REASON`], appraisal finished.
    Appraised,
    /// Published for 7 days of public consultation.
    InConsultation,
    /// The consultation over, the council's vote open.
    Voting,
    /// Two members agreed in person, the third disagreed in writing; the vote closed.
    VoteClosed,
    /// Approved by the leader.
    Approved,
    /// The decision signed today: 1/QĐ-UBND.
    Decided,
    /// The award recorded as handed over.
    HandedOver,
}

/// One dossier of the province `tinh_a` for its person Nguyễn Văn Đức, and the people who
/// work on it, logged in: the clerk `canbo`, the specialist `chuyenvien` and the leader
/// `lanhdao`. Also on hand: a second specialist and three council members.
pub struct Case {
    pub s: Server,
    pub unit: i64,
    pub duc: i64,
    pub clerk: Browser,
    pub sp: Browser,
    pub lead: Browser,
    /// The dossier, once drafted.
    pub id: i64,
    /// The nominee's id inside the dossier (vote fields are named after it), once appraised.
    pub nominee: String,
}

impl Case {
    /// The server, the staff and the nominee (with an identity number and a birth date);
    /// no dossier yet.
    pub async fn new(b: Backend) -> Self {
        let s = Server::start(b).await;
        let mut staff = vec![
            ("chuyenvien", "chuyen_vien_ban", "tinh_a"),
            ("chuyenvien2", "chuyen_vien_ban", "tinh_a"),
            ("lanhdao", "lanh_dao_ban", "tinh_a"),
        ];
        for member in ["hoidong1", "hoidong2", "hoidong3"] {
            staff.push((member, "thanh_vien_hoi_dong", "tinh_a"));
        }
        s.add_users(&staff).await;
        let unit = s.t.store().unit_by_code("tinh_a").await.unwrap().id;
        let duc = s.first_person("tinh_a").await;
        let admin = tdkt_app::testing::principal(
            0,
            tdkt_domain::access::Role::Admin,
            s.t.store().unit_by_code("vn").await.unwrap().id,
        );
        s.t.app
            .update_person(
                &admin,
                duc,
                tdkt_app::people::PersonPatch {
                    cccd: Some(CCCD.into()),
                    birth: Some("1985-04-02".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let clerk = s.login("canbo").await;
        let sp = s.login("chuyenvien").await;
        let lead = s.login("lanhdao").await;
        Self {
            s,
            unit,
            duc,
            clerk,
            sp,
            lead,
            id: 0,
            nominee: String::new(),
        }
    }

    /// A dossier brought to `stage` along the walkthrough's path, each step asserted.
    pub async fn at(b: Backend, stage: Stage) -> Self {
        use Stage::*;
        let mut c = Self::new(b).await;
        c.draft().await;
        if stage >= Submitted {
            c.upload_documents().await;
            c.submit().await;
        }
        if stage >= Received {
            c.receive().await;
        }
        if stage >= InAppraisal {
            c.ok_step(&c.sp, "tham_dinh", &[]).await;
        }
        if stage >= Returned {
            c.return_for_supplement().await;
        }
        if stage >= Resubmitted {
            c.resubmit_with_new_report().await;
        }
        if stage >= Appraised {
            assert_redirect(c.appraise(OVERRIDE_REASON).await).await;
            c.ok_step(&c.sp, "xong_tham_dinh", &[]).await;
        }
        if stage >= InConsultation {
            c.publish().await;
        }
        if stage >= Voting {
            c.end_consultation().await;
            c.ok_step(&c.sp, "mo_bo_phieu", &[]).await;
        }
        if stage >= VoteClosed {
            for member in ["hoidong1", "hoidong2"] {
                let (_, r) = c.vote_in_person(member, "dong_y").await;
                assert_redirect(r).await;
            }
            assert_redirect(c.written_vote_of_absent_member("khong_dong_y").await).await;
            c.close_vote().await;
        }
        if stage >= Approved {
            c.ok_step(&c.lead, "duyet", &[]).await;
        }
        if stage >= Decided {
            c.decide().await;
        }
        if stage >= HandedOver {
            c.ok_step(&c.sp, "da_trao", &[]).await;
        }
        c
    }

    /// The dossier's page address.
    pub fn path(&self) -> String {
        format!("/ho-so/{}", self.id)
    }

    /// The dossier's page as `who` sees it.
    pub async fn page(&self, who: &Browser) -> String {
        who.get_text(&self.path()).await
    }

    /// The clerk fills in the new-dossier form: a merit commendation (Bằng khen tỉnh) of this
    /// year for Đức.
    pub async fn draft(&mut self) {
        let year = tdkt_app::today().year().to_string();
        let unit = self.unit.to_string();
        let nominee = format!("p:{}", self.duc);
        let r = self
            .clerk
            .post_form(
                "/ho-so/moi",
                &[
                    ("don_vi", unit.as_str()),
                    ("trich_yeu", "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh"),
                    ("loai_hinh", "cong_trang"),
                    ("nam", &year),
                    ("doi_tuong_0", &nominee),
                    ("khen_thuong_0", "bang_khen_tinh"),
                    (
                        "thanh_tich_0",
                        "Hoàn thành xuất sắc nhiệm vụ hai năm liên tục, dẫn đầu phong trào chuyển đổi số",
                    ),
                ],
            )
            .await;
        let to = assert_redirect(r).await;
        self.id = to
            .trim_start_matches("/ho-so/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
    }

    /// The clerk uploads a file into a document slot (`doc`: a new version of that document).
    pub async fn upload(
        &self,
        slot: &str,
        doc: Option<&str>,
        name: &str,
        bytes: Vec<u8>,
    ) -> Response {
        let mut form = self.clerk.multipart().text("loai", slot.to_string()).part(
            "tep",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("application/pdf")
                .unwrap(),
        );
        if let Some(d) = doc {
            form = form.text("tai_lieu", d.to_string());
        }
        self.clerk
            .post_multipart(&format!("/ho-so/{}/tai-lieu", self.id), form)
            .await
    }

    /// The two documents a merit dossier needs: the proposal letter and the report.
    pub async fn upload_documents(&self) {
        for (slot, name) in [
            ("to_trinh", "to-trinh.pdf"),
            ("bao_cao_thanh_tich", "bao-cao.pdf"),
        ] {
            assert_redirect(self.upload(slot, None, name, pdf_bytes(name)).await).await;
        }
    }

    /// Takes a workflow step as `who`, with the version read from the page just before.
    pub async fn step(&self, who: &Browser, step: &str, extra: &[(&str, &str)]) -> Response {
        let v = version(&self.page(who).await);
        let mut form = vec![("buoc", step), ("phien_ban", v.as_str())];
        form.extend_from_slice(extra);
        who.post_form(&format!("/ho-so/{}/buoc", self.id), &form)
            .await
    }

    /// A step that must go through (303).
    pub async fn ok_step(&self, who: &Browser, name: &str, extra: &[(&str, &str)]) {
        let r = self.step(who, name, extra).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(
            status,
            reqwest::StatusCode::SEE_OTHER,
            "step {name}: {body}"
        );
    }

    pub async fn submit(&self) {
        self.ok_step(&self.clerk, "gui", &[]).await;
    }

    pub async fn receive(&self) {
        self.ok_step(&self.sp, "tiep_nhan", &[]).await;
    }

    pub async fn return_for_supplement(&self) {
        self.ok_step(&self.sp, "tra_lai", &[("ly_do", RETURN_REASON)])
            .await;
    }

    /// The clerk sends a second version of the report (the page's second document) and
    /// sends the dossier back.
    pub async fn resubmit_with_new_report(&self) {
        let page = self.page(&self.clerk).await;
        let report_doc = page
            .split("name=\"tai_lieu\" value=\"")
            .nth(2)
            .and_then(|x| x.split('"').next())
            .expect("second document's id")
            .to_string();
        let r = self
            .upload(
                "bao_cao_thanh_tich",
                Some(&report_doc),
                "bao-cao-co-xac-nhan.pdf",
                pdf_bytes("v2"),
            )
            .await;
        assert_redirect(r).await;
        self.ok_step(&self.clerk, "gui_bo_sung", &[]).await;
    }

    /// The specialist's verdict "đạt" for the nominee, with `reason` for overriding the
    /// engine; remembers the nominee's id.
    pub async fn appraise(&mut self, reason: &str) -> Response {
        let page = self.page(&self.sp).await;
        self.nominee = after(&page, "name=\"nguoi\" value=\"").to_string();
        self.sp
            .post_form(
                &format!("/ho-so/{}/tham-dinh", self.id),
                &[
                    ("phien_ban", version(&page).as_str()),
                    ("nguoi", self.nominee.as_str()),
                    ("ket_qua", "dat"),
                    ("ly_do", reason),
                ],
            )
            .await
    }

    /// Public consultation for 7 days.
    pub async fn publish(&self) {
        self.ok_step(&self.sp, "cong_khai", &[("so_ngay", "7")])
            .await;
    }

    /// A visitor's comment on the public page (the token read from that page).
    pub async fn comment(&self, visitor: &Browser) -> Response {
        let path = format!("/cong-khai/{}", self.id);
        let token = hidden(&visitor.get_text(&path).await, "_csrf");
        visitor
            .post_form_as_is(
                &path,
                &[
                    ("_csrf", token.as_str()),
                    ("ho_ten", "Trần Thị Hoa"),
                    ("lien_he", "hoa@example.vn"),
                    ("website", ""),
                    (
                        "noi_dung",
                        "Tôi xác nhận anh Đức đã hướng dẫn cả xã dùng dịch vụ công trực tuyến.",
                    ),
                ],
            )
            .await
    }

    /// The specialist publishes the (only) comment waiting for moderation.
    pub async fn approve_comment(&self) {
        let page = self.page(&self.sp).await;
        let cid = after(&page, &format!("action=\"/ho-so/{}/y-kien/", self.id)).to_string();
        let r = self
            .sp
            .post_form(
                &format!("/ho-so/{}/y-kien/{cid}", self.id),
                &[("trang_thai", "da_duyet")],
            )
            .await;
        assert_status(r, reqwest::StatusCode::SEE_OTHER).await;
    }

    /// Time passes: the consultation period ends.
    pub async fn end_consultation(&self) {
        self.s
            .t
            .raw_exec("UPDATE dossiers SET consultation_until = '2000-01-01'")
            .await;
    }

    /// A council member logs in and votes `choice` for the nominee.
    pub async fn vote_in_person(&self, member: &str, choice: &str) -> (Browser, Response) {
        let m = self.s.login(member).await;
        let r = self.vote(&m, choice).await;
        (m, r)
    }

    /// One more paper from a logged-in member.
    pub async fn vote(&self, member: &Browser, choice: &str) -> Response {
        member
            .post_form(
                &format!("/ho-so/{}/bo-phieu", self.id),
                &[(format!("chon_{}", self.nominee).as_str(), choice)],
            )
            .await
    }

    /// The specialist records the written vote of the first member offered as absent.
    pub async fn written_vote_of_absent_member(&self, choice: &str) -> Response {
        let page = self.page(&self.sp).await;
        let absent = after(&page, "name=\"thanh_vien\"><option value=\"").to_string();
        self.sp
            .post_form(
                &format!("/ho-so/{}/phieu-van-ban", self.id),
                &[
                    ("thanh_vien", absent.as_str()),
                    (format!("chon_{}", self.nominee).as_str(), choice),
                ],
            )
            .await
    }

    pub async fn close_vote(&self) {
        let r = self
            .sp
            .post_form::<&str, &str>(&format!("/ho-so/{}/ket-thuc-bo-phieu", self.id), &[])
            .await;
        assert_status(r, reqwest::StatusCode::SEE_OTHER).await;
    }

    /// The leader signs the decision today as «KT. CHỦ TỊCH / PHÓ CHỦ TỊCH» Nguyễn Thị Thanh.
    pub async fn decide(&self) {
        let page = self.page(&self.lead).await;
        let today = tdkt_domain::dates::iso(tdkt_app::today());
        let r = self
            .lead
            .post_form(
                &format!("/ho-so/{}/quyet-dinh", self.id),
                &[
                    ("phien_ban", version(&page).as_str()),
                    ("ngay_ky", today.as_str()),
                    ("chuc_vu", "KT. CHỦ TỊCH\r\nPHÓ CHỦ TỊCH"),
                    ("nguoi_ky", "Nguyễn Thị Thanh"),
                ],
            )
            .await;
        assert_redirect(r).await;
    }

    /// The certificate PDF of the nominee's award, as the specialist prints it.
    pub async fn certificate(&self) -> Response {
        self.sp
            .get(&format!(
                "/ho-so/{}/bang-khen.pdf?khen_thuong=bang_khen_tinh",
                self.id
            ))
            .await
    }
}
