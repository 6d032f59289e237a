//! Emulation clusters (cụm, geographic) and blocks (khối, functional), by year. The scoring,
//! ballots and covenants come with the emulation module; this holds who was in which cluster.

code_enum!(ClusterKind, "Loại cụm/khối" {
    Cluster = "cum", "Cụm thi đua";
    Block = "khoi", "Khối thi đua";
});

code_enum!(MemberRole, "Vai trò trong cụm" {
    Leader = "cum_truong", "Cụm trưởng";
    Deputy = "cum_pho", "Cụm phó";
    Member = "thanh_vien", "Thành viên";
});

code_enum!(
    /// Where an elected proposal (`cluster_proposals.status`) stands. Only `draft` is written
    /// today: the proposal waits for the commendation module to turn it into a dossier.
    ProposalStatus, "Trạng thái đề xuất" {
        Draft = "draft", "Đề xuất, chưa lập hồ sơ";
    }
);
