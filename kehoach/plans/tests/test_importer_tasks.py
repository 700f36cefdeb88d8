"""parse_tasks reads tasks however a plan writes them (README "Variations seen" §2 and §3)."""

from typing import Any

from django.test import SimpleTestCase

from kehoach.plans.importer.document import Document
from kehoach.plans.importer.tasks import implementers, leading_unit, parse_tasks


def tasks_of(text: str, year: int | None = 2025) -> list[dict[str, Any]]:
    return parse_tasks(Document.from_text(text), year=year)


def brief(task: dict[str, Any]) -> tuple[str, list[str], list[str], str | None]:
    return task["title"], task["lead"], task["support"], task["time"]


class LabelledFieldTests(SimpleTestCase):
    def test_it_reads_the_seed_layout_with_dates_and_source_lines(self) -> None:
        tasks = tasks_of(
            "## **IV. NHIỆM VỤ CỤ THỂ**\n\n"
            "##### **1. Cập nhật thông tin trên Cổng thông tin điện tử huyện**\n\n"
            "- Đơn vị chủ trì: Phòng Văn hoá và Thông tin huyện.\n"
            "- Đơn vị phối hợp: Văn Phòng HĐND&UBND huyện, UBND các xã, thị trấn.\n"
            "- Thời gian thực hiện: Quý II/2024\n",
            year=2024,
        )
        self.assertEqual(len(tasks), 1)
        task = tasks[0]
        self.assertEqual(
            brief(task),
            (
                "Cập nhật thông tin trên Cổng thông tin điện tử huyện",
                ["Phòng Văn hoá và Thông tin huyện"],
                ["Văn Phòng HĐND&UBND huyện", "UBND các xã, thị trấn"],
                "Quý II/2024",
            ),
        )
        self.assertEqual((task["start"], task["end"]), ("2024-04-01", "2024-06-30"))
        self.assertEqual(task["source_line"], 3)

    def test_it_reads_both_fields_on_one_line_and_keeps_bullets_as_details(self) -> None:
        tasks = tasks_of(
            "III. NHIỆM VỤ TRỌNG TÂM\n"
            "1. Phát triển các khu, cụm công nghiệp theo hướng xanh, hiện đại\n"
            "- Rà soát quy hoạch các KCN, CCN mới.\n"
            "Lãnh đạo phụ trách: Phó giám đốc Nguyễn Đình Chiến.\n"
            "Đơn vị chủ trì: Phòng Quản lý Công nghiệp; Đơn vị phối hợp: Phòng Quản lý Năng "
            "lượng, Văn phòng Sở. \n"
        )
        self.assertEqual(
            brief(tasks[0]),
            (
                "Phát triển các khu, cụm công nghiệp theo hướng xanh, hiện đại",
                ["Phòng Quản lý Công nghiệp"],
                ["Phòng Quản lý Năng lượng", "Văn phòng Sở"],
                None,
            ),
        )
        self.assertIn("Rà soát quy hoạch", tasks[0]["details"])
        self.assertEqual(tasks[0]["leader"], "Phó giám đốc Nguyễn Đình Chiến")

    def test_it_reads_nested_implementers_under_hard_broken_lines(self) -> None:
        tasks = tasks_of(
            "**II. NHIỆM VỤ**\n\n**1. Về dữ liệu**\n\n**1.1. Xây\ndựng các Chiến lược:**\n\n"
            "a) Nhiệm vụ: Tham mưu UBND\nThành phố rà soát.\n\nb) Cơ quan thực hiện:\n\n"
            "- Đơn vị chủ trì: Sở Khoa học\nvà Công nghệ.\n\n- Đơn vị phối hợp: Các Sở, ban,\n"
            "ngành.\n\nc) Thời gian thực hiện: Hoàn\nthành trong năm 2025.\n"
        )
        self.assertEqual(
            brief(tasks[0]),
            (
                "Xây dựng các Chiến lược",
                ["Sở Khoa học và Công nghệ"],
                ["Các Sở, ban, ngành"],
                "Hoàn thành trong năm 2025",
            ),
        )
        self.assertEqual((tasks[0]["start"], tasks[0]["end"]), (None, "2025-12-31"))

    def test_it_reads_other_label_wordings_and_italic_labels(self) -> None:
        tasks = tasks_of(
            "II. NỘI DUNG\n1. Rà soát văn bản quy phạm pháp luật\n"
            "- Cơ quan chủ trì: Sở Tư pháp.\n- Cơ quan phối hợp: Các sở, ngành.\n"
            "2. Tập huấn cán bộ\n*Đơn vị chủ trì tham mưu thực hiện: *Sở Nội vụ\n"
            "*Thời gian thực hiện*: Thường xuyên\n"
            "3. Kiểm tra việc thực hiện\n- Đơn vị thực hiện: Thanh tra tỉnh, Sở Tư pháp.\n"
        )
        self.assertEqual(
            [brief(t) for t in tasks],
            [
                ("Rà soát văn bản quy phạm pháp luật", ["Sở Tư pháp"], ["Các sở, ngành"], None),
                ("Tập huấn cán bộ", ["Sở Nội vụ"], [], "Thường xuyên"),
                ("Kiểm tra việc thực hiện", ["Thanh tra tỉnh", "Sở Tư pháp"], [], None),
            ],
        )
        self.assertTrue(tasks[1]["recurring"])

    def test_it_splits_lead_and_support_written_in_one_sentence(self) -> None:
        tasks = tasks_of(
            "III. NỘI DUNG HOẠT ĐỘNG\n**1. Nâng cao nhận thức**\n\na) Hoạt động 1\n\n"
            "- Nội dung: Triển khai Tháng\nhành động (từ ngày 15/11 đến ngày 15/12).\n\n"
            "- Cơ quan thực hiện: Sở Nội\nvụ chủ trì, phối hợp với các sở, ban, ngành, Ủy ban "
            "nhân\ndân phường, xã, đặc khu và các đơn vị có liên quan.\n"
        )
        task = tasks[0]
        # A generic heading ("Hoạt động 1"): the content is the title.
        self.assertEqual(task["title"], "Triển khai Tháng hành động (từ ngày 15/11 đến ngày 15/12)")
        self.assertEqual(task["lead"], ["Sở Nội vụ"])
        self.assertEqual(
            task["support"],
            [
                "các sở, ban, ngành",
                "Ủy ban nhân dân phường, xã, đặc khu",
                "các đơn vị có liên quan",
            ],
        )
        # The date window inside the text is the time, with the plan's year.
        self.assertEqual(
            (task["time"], task["start"], task["end"]),
            ("từ ngày 15/11 đến ngày 15/12", "2025-11-15", "2025-12-15"),
        )

    def test_it_makes_one_task_per_content_item_and_one_lead_per_implementer_item(self) -> None:
        tasks = tasks_of(
            "III. NỘI DUNG HOẠT ĐỘNG\n2. Duy trì các mô hình\na) Hoạt động 1\n- Nội dung:\n"
            "+ Tổng kết Mô hình một cửa.\n+ Tập huấn cho đội ngũ y bác sỹ.\n"
            "- Cơ quan thực hiện: Sở Y tế chủ trì, phối hợp với các đơn vị có liên quan.\n"
            "b) Hoạt động 2\n- Nội dung: Tuyên truyền trực quan.\n- Cơ quan thực hiện:\n"
            "+ Sở Văn hóa và Thể thao chủ trì, phối hợp với báo, đài.\n"
            "+ Sở Xây dựng đăng tải thông điệp trên bảng quang báo.\n"
        )
        self.assertEqual(
            [brief(t) for t in tasks],
            [
                ("Tổng kết Mô hình một cửa", ["Sở Y tế"], ["các đơn vị có liên quan"], None),
                ("Tập huấn cho đội ngũ y bác sỹ", ["Sở Y tế"], ["các đơn vị có liên quan"], None),
                (
                    "Tuyên truyền trực quan",
                    ["Sở Văn hóa và Thể thao", "Sở Xây dựng"],
                    ["báo, đài"],
                    None,
                ),
            ],
        )

    def test_it_keeps_duplicated_numbers_as_separate_tasks(self) -> None:
        tasks = tasks_of(
            "IV. NHIỆM VỤ CỤ THỂ\n##### **5. Đăng tải sản phẩm truyền thông**\n"
            "- Đơn vị chủ trì: Trung tâm VH-TT, TT-TH huyện.\n"
            "### **5. Tổ chức cổ động trực quan**\n- Đơn vị chủ trì: Phòng Văn hoá và Thông tin.\n"
        )
        self.assertEqual(
            [t["title"] for t in tasks],
            ["Đăng tải sản phẩm truyền thông", "Tổ chức cổ động trực quan"],
        )

    def test_it_titles_repeated_leaf_headings_with_their_parents(self) -> None:
        tasks = tasks_of(
            "II. NỘI DUNG KẾ HOẠCH\n3. Hoàn thiện thể chế\n3.1. Luật Dữ liệu\na) Xây dựng dự thảo\n"
            "- Cơ quan chủ trì: Sở Tư pháp.\n3.2. Luật Giao dịch điện tử\na) Xây dựng dự thảo\n"
            "- Cơ quan chủ trì: Sở Khoa học và Công nghệ.\n"
        )
        self.assertEqual(
            [t["title"] for t in tasks],
            [
                "Hoàn thiện thể chế — Luật Dữ liệu — Xây dựng dự thảo",
                "Hoàn thiện thể chế — Luật Giao dịch điện tử — Xây dựng dự thảo",
            ],
        )

    def test_it_titles_several_field_blocks_under_one_heading_with_the_bullet_above(self) -> None:
        tasks = tasks_of(
            "III. NHIỆM VỤ, GIẢI PHÁP\n5. Cải cách hành chính\n- Rà soát thủ tục hành chính.\n"
            "- Đơn vị chủ trì: Sở Nội vụ.\n- Số hóa hồ sơ.\n- Đơn vị chủ trì: Sở Khoa học và "
            "Công nghệ.\n"
        )
        self.assertEqual(
            [(t["title"], t["lead"]) for t in tasks],
            [
                ("Rà soát thủ tục hành chính", ["Sở Nội vụ"]),
                ("Số hóa hồ sơ", ["Sở Khoa học và Công nghệ"]),
            ],
        )

    def test_it_joins_a_unit_list_broken_by_a_blank_line(self) -> None:
        tasks = tasks_of(
            "III. NHIỆM VỤ, GIẢI PHÁP\n1. Kiểm tra\n- Đơn vị phối hợp: các cơ quan, đơn vị, "
            "địa phương\n\nliên quan.\n- Đơn vị chủ trì: Sở Tư pháp.\n"
        )
        self.assertEqual(tasks[0]["support"], ["các cơ quan, đơn vị, địa phương liên quan"])

    def test_it_reads_a_time_written_as_prose(self) -> None:
        tasks = tasks_of(
            "II. NỘI DUNG\n6. Xây dựng Chiến lược\n- Cơ quan chủ trì: Sở Tư pháp.\n"
            "Thời gian thực hiện sau khi Chiến lược được ban hành.\n"
        )
        self.assertEqual(tasks[0]["time"], "sau khi Chiến lược được ban hành")
        self.assertEqual((tasks[0]["start"], tasks[0]["end"]), (None, None))

    def test_it_takes_no_tasks_from_items_without_units(self) -> None:
        text = (
            "III. NỘI DUNG TUYÊN TRUYỀN\n1. Tuyên truyền Luật pháp quốc tế.\n"
            "IV. NHIỆM VỤ CỤ THỂ\n1. Tổ chức theo dõi thông tin\n- Đơn vị chủ trì: Phòng Văn hoá.\n"
        )
        self.assertEqual([t["title"] for t in tasks_of(text)], ["Tổ chức theo dõi thông tin"])


class TableTests(SimpleTestCase):
    FLATTENED = (
        "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM\n\n**1. Nâng cao nhận thức**\n\n"
        "a) Triển khai nền tảng đào tạo trực tuyến.\n\n"
        "**PHỤ LỤC**\n\nDANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM\n\n"
        "|\n**STT**\n|\n**Tên nhiệm vụ**\n|\n**Cơ quan chủ trì**\n|\n**Cơ quan phối hợp**\n|\n"
        "**Thời gian hoàn thành**\n|\n|\n**I.\nNÂNG CAO NHẬN THỨC**\n|\n|\n1\n|\n"
        "Triển khai nền tảng đào tạo\ntrực tuyến.\n|\nSở KH&CN\n|\n"
        "Các sở, ban, ngành tỉnh; UBND các xã, phường\n|\nThường xuyên\n|\n|\n4\n|\n"
        "Xây dựng Bộ tiêu chí đánh\ngiá mức độ chuyển đổi số.\n|\nSở KH&CN\n|\n"
        "Các sở, ban, ngành tỉnh\n|\nQuí IV-2025\n|\n|\n|\n"
    )

    def test_an_appendix_table_gives_the_tasks_and_the_body_none(self) -> None:
        tasks = tasks_of(self.FLATTENED)
        self.assertEqual(
            [brief(t) for t in tasks],
            [
                (
                    "Triển khai nền tảng đào tạo trực tuyến",
                    ["Sở KH&CN"],
                    ["Các sở, ban, ngành tỉnh", "UBND các xã, phường"],
                    "Thường xuyên",
                ),
                (
                    "Xây dựng Bộ tiêu chí đánh giá mức độ chuyển đổi số",
                    ["Sở KH&CN"],
                    ["Các sở, ban, ngành tỉnh"],
                    "Quí IV-2025",
                ),
            ],
        )
        self.assertEqual((tasks[1]["start"], tasks[1]["end"]), ("2025-10-01", "2025-12-31"))
        self.assertEqual(tasks[1]["number"], "4")

    def test_it_reads_pipe_rows_skipping_number_and_group_rows(self) -> None:
        tasks = tasks_of(
            "PHỤ LỤC – MỘT SỐ NHIỆM VỤ TRỌNG TÂM\n"
            "| TT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian | Ghi chú |\n"
            "|---|---|---|---|---|---|\n"
            "| (1) | (2) | (3) | (4) | (5) | (6) |\n"
            "| I | CÔNG TÁC QUẢN LÝ |  |  |  |  |\n"
            "| 1 | Rà soát quy hoạch khoáng sản | Sở Nông nghiệp và Môi trường | Các Sở, ban, "
            "ngành và các địa phương liên quan | Quý II/2026 |  |\n"
        )
        self.assertEqual(
            [brief(t) for t in tasks],
            [
                (
                    "Rà soát quy hoạch khoáng sản",
                    ["Sở Nông nghiệp và Môi trường"],
                    ["Các Sở, ban, ngành", "các địa phương liên quan"],
                    "Quý II/2026",
                )
            ],
        )

    def test_it_reads_a_two_row_header_and_an_implementers_column(self) -> None:
        two_rows = tasks_of(
            "| TT | Nhiệm vụ | Cơ quan thực hiện | |\n| | | Chủ trì | Phối hợp |\n"
            "| 1 | Kiểm tra | Sở Công Thương | Công an tỉnh |\n"
        )
        self.assertEqual(
            brief(two_rows[0]), ("Kiểm tra", ["Sở Công Thương"], ["Công an tỉnh"], None)
        )
        people = tasks_of(
            "| TT | Nội dung | Người thực hiện |\n| 1 | Chấm thi | Ông Nguyễn Văn An |\n"
        )
        self.assertEqual(people[0]["lead"], ["Ông Nguyễn Văn An"])

    def test_an_empty_report_template_gives_no_tasks(self) -> None:
        text = (
            "| TT | Tên nhiệm vụ /Dự án | Vai trò (Chủ trì/ Phối hợp) |\n|  |  |  |\n|  |  |  |\n"
        )
        self.assertEqual(tasks_of(text), [])


class DutyFallbackTests(SimpleTestCase):
    def test_without_a_task_section_unit_duties_are_tasks(self) -> None:
        tasks = tasks_of(
            "I. MỤC ĐÍCH, YÊU CẦU\nx\nIV. TỔ CHỨC THỰC HIỆN\n**1. Sở Tài chính**\n\n"
            "a) Thẩm định dự toán kinh phí.\n\nb) Định kỳ báo cáo kết quả.\n\n"
            "**2. Đề nghị: Hội Nông dân tỉnh, Liên minh Hợp tác xã Tỉnh**\n\n"
            "a) Tuyên truyền, vận động hội viên.\n\n"
            "3. Phòng Quản lý Công nghiệp: Là đầu mối tổng hợp.\n\n"
            "Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế tổ chức tập huấn.\n\n"
            "Trên đây là Kế hoạch của UBND tỉnh./.\n"
        )
        self.assertEqual(
            [(t["title"], t["lead"], t["support"]) for t in tasks],
            [
                ("Thẩm định dự toán kinh phí", ["Sở Tài chính"], []),
                (
                    "Tuyên truyền, vận động hội viên",
                    ["Hội Nông dân tỉnh", "Liên minh Hợp tác xã Tỉnh"],
                    [],
                ),
                ("Là đầu mối tổng hợp", ["Phòng Quản lý Công nghiệp"], []),
                (
                    "Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế tổ chức tập huấn",
                    ["Sở Giáo dục và Đào tạo"],
                    ["Sở Y tế"],
                ),
            ],
        )

    def test_a_chu_tri_bullet_under_a_unit_heading_names_the_support(self) -> None:
        tasks = tasks_of(
            "III. PHÂN CÔNG NHIỆM VỤ\n1. Sở Nội vụ\n- Chủ trì, phối hợp với Sở Tư pháp tham mưu "
            "kiện toàn Ban Chỉ đạo.\n"
        )
        self.assertEqual((tasks[0]["lead"], tasks[0]["support"]), (["Sở Nội vụ"], ["Sở Tư pháp"]))


class ImplementersTests(SimpleTestCase):
    def test_it_reads_chu_tri_phoi_hop_sentences(self) -> None:
        self.assertEqual(
            implementers(
                "Sở Giáo dục và Đào tạo và Sở Y tế chủ trì, phối hợp với các sở, ban, "
                "ngành và các đơn vị có liên quan tham mưu hoạt động."
            ),
            (
                ["Sở Giáo dục và Đào tạo", "Sở Y tế"],
                ["các sở, ban, ngành", "các đơn vị có liên quan"],
            ),
        )

    def test_it_puts_every_unit_in_the_lead_without_a_split(self) -> None:
        self.assertEqual(implementers("Sở Tư pháp, Sở Nội vụ."), (["Sở Tư pháp", "Sở Nội vụ"], []))

    def test_leading_unit_stops_at_the_verb(self) -> None:
        self.assertEqual(leading_unit("Sở Xây dựng đăng tải thông điệp"), "Sở Xây dựng")
        self.assertEqual(leading_unit("Sở Văn hóa và Thể thao chủ trì"), "Sở Văn hóa và Thể thao")
        self.assertIsNone(leading_unit("Tăng cường kiểm tra"))
