//! The projects-and-budgets register and the task assignments, through the
//! public API. The golden register is examples/004's Phụ lục II, III, V and VI
//! (Đồng Tháp, 2022 results and 2023 plan): every total the document states
//! must come out of the register.

use chiso_core::Code;
use chiso_core::metadata::{Metadata, Model};
use chiso_core::register::budget::{
    self, allocated, budget_appendix, budget_lines, disbursed, disbursement_rate, investment_appendix,
    investment_results_appendix, lines_of_year, recurrent_appendix, share_of_budget, summary, totals_by_kind,
    totals_by_pillar, totals_by_source, totals_by_unit, totals_by_unit_at_level, totals_by_year,
};
use chiso_core::register::task::{assignment_appendix, at_risk, counts, overdue, statuses, tasks_from_plan};
use chiso_core::register::{
    Appendix, BudgetKind, Cell, Layout, Money, ProgressReport, Registers, RowKind, Source, Standing, TaskCounts,
    TaskState,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

const META: &str = r##"
name: Tỉnh Thử
disaggregations:
  - { code: KENH, name: Kênh, options: [{ code: TRUC_TUYEN, name: Trực tuyến }, { code: TRUC_TIEP, name: Trực tiếp }] }
data_elements:
  - { code: HS_TIEP_NHAN, name: Hồ sơ tiếp nhận, value_type: integer, disaggregation: KENH }
  - { code: HS_GIAI_QUYET, name: Hồ sơ đã giải quyết, value_type: integer }
  - { code: HS_DUNG_HAN, name: Hồ sơ đúng hạn, value_type: integer }
indicators:
  - { code: TL_DUNG_HAN, name: Tỷ lệ đúng hạn, numerator: "#{HS_DUNG_HAN}", denominator: "#{HS_GIAI_QUYET}" }
levels: [{ level: 1, name: Tỉnh }, { level: 2, name: Sở / Huyện }, { level: 3, name: Đơn vị trực thuộc }]
org_units:
  - { code: T, name: Tỉnh Thử }
  - { code: SO_TTTT, name: Sở Thông tin và Truyền thông, short_name: Sở TTTT, parent: T }
  - { code: TTCDS, name: Trung tâm Chuyển đổi số, short_name: TTCĐS, parent: SO_TTTT }
  - { code: SO_CT, name: Sở Công Thương, parent: T }
  - { code: SO_TP, name: Sở Tư pháp, parent: T }
  - { code: SO_NV, name: Sở Nội vụ, parent: T }
  - { code: SO_YT, name: Sở Y tế, parent: T }
  - { code: CA_TINH, name: Công an tỉnh, short_name: CA Tỉnh, parent: T }
  - { code: SO_NNPTNT, name: Sở Nông nghiệp và Phát triển nông thôn, short_name: Sở NNPTNT, parent: T }
  - { code: SO_GDDT, name: Sở Giáo dục và Đào tạo, short_name: Sở GDĐT, parent: T }
  - { code: SO_LDTBXH, name: Sở Lao động - Thương binh và Xã hội, short_name: Sở LĐTBXH, parent: T }
  - { code: SO_XD, name: Sở Xây dựng, parent: T }
  - { code: DAI_PTTH, name: Đài Phát thanh và Truyền hình, short_name: Đài PTTH, parent: T }
  - { code: SO_CU, name: Sở Cũ, parent: T, valid_to: 2020-12-31 }
  - { code: H_CL, name: Huyện Cao Lãnh, parent: T }
  - { code: H_LV, name: Huyện Lấp Vò, parent: T }
  - { code: H_LVU, name: Huyện Lai Vung, parent: T }
unit_groups:
  - { code: SO, name: "Các sở, ngành Tỉnh", members: [SO_TTTT, SO_CT, SO_TP, SO_NV, SO_YT, CA_TINH, SO_NNPTNT] }
  - { code: HUYEN, name: UBND cấp huyện, members: [H_CL, H_LV, H_LVU] }
pillars:
  - { code: DU_LIEU, name: Xây dựng dữ liệu số }
  - { code: CHINH_QUYEN, name: Xây dựng chính quyền số }
  - { code: KINH_TE, name: Phát triển kinh tế số }
  - { code: ATTT, name: "Bảo đảm an toàn, an ninh mạng" }
plans:
  - code: KH_2023
    year: 2023
    title: Kế hoạch chuyển đổi số năm 2023
    issued_on: 2023-02-10
    targets:
      - { code: CT01, pillar: DU_LIEU, name: Công bố chính thức nền tảng dữ liệu số nông nghiệp, threshold: Công bố chính thức nền tảng dữ liệu số nông nghiệp, lead: [SO_NNPTNT], cooperating: [SO_TTTT], evaluation: Trước 09/2023 }
      - { code: CT02, pillar: CHINH_QUYEN, name: "90% người dân, doanh nghiệp hài lòng", threshold: "90%", lead: [SO_NV], cooperating: [SO, HUYEN], evaluation: Cuối năm 2023 }
"##;

/// Phụ lục II (2021–2022 allocations) and V (2023) merged by project, with the
/// later document's total investment; Phụ lục III (2022) and VI (2023).
const GOLDEN: &str = r##"
state_budget:
  - { year: 2022, amount: 6703000 }
projects:
  - code: DA_HTTT_TTTT
    name: Hệ thống thông tin ngành Thông tin và Truyền thông
    total_investment: 5600
    period: { from: 2021, to: 2022 }
    funding: [{ source: NSDP, amount: 5600 }]
    kind: public_investment
    unit: SO_TTTT
    objective: Số hóa dữ liệu ngành Thông tin và Truyền thông
    status: completed
    allocations: [{ year: 2021, amount: 2200 }, { year: 2022, amount: 3400 }]
  - code: DA_CONG_DVC
    name: Cổng dịch vụ công và điều hành tác nghiệp nội bộ tỉnh Đồng Tháp
    decisions: [{ number: 931/QĐ-UBND.HC, date: 2021-07-14, authority: UBND tỉnh }]
    total_investment: 20080
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSĐP, amount: 20080 }]
    kind: public_investment
    unit: SO_TTTT
    objective: Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính tỉnh và triển khai dịch vụ công trực tuyến
    pillar: CHINH_QUYEN
    status: ongoing
    transition: true
    allocations: [{ year: 2021, amount: 5200 }, { year: 2022, amount: 8300 }, { year: 2023, amount: 4000 }]
  - code: DA_IOC
    name: Triển khai Trung tâm điều hành thông minh (IOC)
    decisions: [{ number: 1427/QĐ-UBND-HC, date: 2021-09-20, authority: UBND tỉnh }]
    total_investment: 24119
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSDP, amount: 24119 }]
    kind: public_investment
    unit: SO_TTTT
    objective: Triển khai phần mềm, dịch vụ điều hành thông minh, thí điểm một số thiết bị giám sát giao thông, môi trường
    status: ongoing
    transition: true
    allocations: [{ year: 2021, amount: 5000 }, { year: 2022, amount: 14500 }, { year: 2023, amount: 1600 }]
  - code: DA_HA_TANG
    name: Nâng cấp hệ thống hạ tầng phục vụ chính quyền số và an toàn thông tin mạng tỉnh Đồng Tháp
    decisions: [{ number: 849/QĐ-UBND.HC, date: 2021-12-06, authority: UBND tỉnh }]
    total_investment: 55534
    period: { from: 2021, to: 2024 }
    funding: [{ source: NSTW, amount: 55534 }]
    kind: public_investment
    unit: SO_TTTT
    objective: Nâng cấp thiết bị cho Trung tâm Tích hợp dữ liệu tỉnh, xây dựng DR site
    pillar: ATTT
    status: ongoing
    transition: true
    allocations: [{ year: 2022, amount: 22000 }, { year: 2023, amount: 28000 }]
  - code: DA_GIS_CL
    name: Xây dựng hệ thống thông tin cơ sở dữ liệu GIS phục vụ quản lý cơ sở hạ tầng giai đoạn 1, trên địa bàn huyện Cao Lãnh
    decisions: [{ number: 997/QĐ-UBND.HC, date: 2021-07-23, authority: UBND tỉnh }]
    total_investment: 15809
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSDP, amount: 15809 }]
    kind: public_investment
    unit: H_CL
    objective: Số hóa dữ liệu đất đai
    pillar: DU_LIEU
    status: ongoing
    transition: true
    allocations: [{ year: 2022, amount: 5139 }, { year: 2023, amount: 3200 }]
  - code: DA_GIS_LV
    name: Xây dựng hệ thống thông tin cơ sở dữ liệu GIS phục vụ quản lý cơ sở hạ tầng giai đoạn 1, trên địa bàn huyện Lấp Vò
    decisions: [{ number: 1020/QĐ-UBND.HC, date: 2021-07-26, authority: UBND tỉnh }]
    total_investment: 13529
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSDP, amount: 13529 }]
    kind: public_investment
    unit: H_LV
    objective: Số hóa dữ liệu đất đai
    pillar: DU_LIEU
    status: ongoing
    transition: true
    allocations: [{ year: 2022, amount: 6875 }, { year: 2023, amount: 4500 }]
  - code: DA_GIS_LVU
    name: Xây dựng hệ thống thông tin cơ sở dữ liệu GIS, phục vụ quản lý cơ sở hạ tầng giai đoạn 1, trên địa bàn huyện Lai Vung
    decisions: [{ number: 1019/QĐ-UBND.HC, date: 2021-07-26, authority: UBND tỉnh }]
    total_investment: 10135
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSDP, amount: 10135 }]
    kind: public_investment
    unit: H_LVU
    objective: Số hóa dữ liệu đất đai
    pillar: DU_LIEU
    status: ongoing
    transition: true
    allocations: [{ year: 2022, amount: 7008 }, { year: 2023, amount: 1100 }]
  - code: DA_TIN_HOC
    name: Mua sắm thiết bị dạy học Tin học
    decisions: [{ number: 828/QĐ-UBND.HC, date: 2021-06-29, authority: UBND tỉnh }]
    total_investment: 32420
    period: { from: 2021, to: 2023 }
    funding: [{ source: NSDP, amount: 7930 }, { source: XSKT, amount: 24490 }]
    kind: public_investment
    unit: SO_GDDT
    objective: Tăng cường thiết bị dạy Tin học
    status: ongoing
    transition: true
    allocations: [{ year: 2022, source: NSDP, amount: 7930 }, { year: 2023, source: XSKT, amount: 13000 }]
  - code: DA_KHO_DL
    name: Xây dựng kho dữ liệu dùng chung và nền tảng dữ liệu mở tỉnh Đồng Tháp
    decisions: [{ number: 1153/QĐ-UBND-HC, date: 2022-10-21, authority: UBND tỉnh }]
    total_investment: 43037
    period: { from: 2022, to: 2024 }
    funding: [{ source: NSDP, amount: 43037 }]
    kind: public_investment
    unit: SO_TTTT
    pillar: DU_LIEU
    status: ongoing
    transition: true
    allocations: [{ year: 2023, amount: 15000 }]
  - code: DA_TRUYEN_HINH
    name: Thiết bị truyền hình kỹ thuật số chuẩn HD
    decisions:
      - { number: 528/QĐ-UBND.HC, date: 2021-05-10, authority: UBND tỉnh }
      - { number: 1126/QĐ-UBND-HC, date: 2021-08-10, authority: UBND tỉnh }
    total_investment: 57112
    period: { from: 2022, to: 2025 }
    funding: [{ source: NSDP, amount: 57112 }]
    kind: public_investment
    unit: DAI_PTTH
    status: ongoing
    transition: true
    allocations: [{ year: 2023, amount: 18500 }]
  - code: DA_QH_DO_THI
    name: Xây dựng hệ thống quản lý quy hoạch hạ tầng đô thị
    decisions: [{ number: 1121/QĐ-UBND-HC, date: 2022-10-14, authority: UBND tỉnh }]
    total_investment: 29150
    period: { from: 2022, to: 2024 }
    funding: [{ source: NSDP, amount: 29150 }]
    kind: public_investment
    unit: SO_XD
    status: ongoing
    transition: true
    allocations: [{ year: 2023, amount: 6000 }]
  - code: DA_VIEC_LAM
    name: Hỗ trợ việc làm bền vững thuộc Chương trình mục tiêu quốc gia giảm nghèo bền vững, giai đoạn 2021 - 2025
    decisions: [{ number: 1448/QĐ-UBND-HC, date: 2022-12-30, authority: UBND tỉnh }]
    total_investment: 15700
    period: { from: 2022, to: 2024 }
    funding: [{ source: NSTW, amount: 13000 }, { source: XSKT, amount: 2700 }]
    kind: public_investment
    unit: SO_LDTBXH
    pillar: KINH_TE
    status: ongoing
    transition: true
    allocations: [{ year: 2023, source: NSTW, amount: 4341 }, { year: 2023, source: XSKT, amount: 1000 }]
  - code: DA_NN_SO
    name: Hệ thống nền tảng nông nghiệp số
    total_investment: 19000
    period: { from: 2023, to: 2025 }
    funding: [{ source: NSDP, amount: 19000 }]
    kind: public_investment
    unit: SO_NNPTNT
    status: planned
    allocations: [{ year: 2023, amount: 1000 }]
recurrent_tasks:
  - { code: TX22_01, unit: SO_TTTT, year: 2022, amount: 2000, budget_line: SNKT, pillar: ATTT, name: "Đánh giá, giám sát an toàn thông tin mạng cho Trung tâm THDL và một số mạng Lan các đơn vị" }
  - { code: TX22_02, unit: SO_TTTT, year: 2022, amount: 2500, budget_line: QLNN, pillar: ATTT, name: Trang bị phần mềm phòng chống mã độc tập trung }
  - { code: TX22_03, unit: SO_TTTT, year: 2022, amount: 1830, budget_line: Chi khác, name: Mua sắm thiết bị và phần mềm phục vụ triển khai Đề án 06 }
  - { code: TX22_04, unit: SO_TTTT, year: 2022, amount: 440, budget_line: QLNN, name: Cước đường truyền Trung tâm điều hành thông minh }
  - { code: TX22_05, unit: SO_TTTT, year: 2022, amount: 300, budget_line: QLNN, name: Phụ cấp BCĐ Chuyển đổi số }
  - { code: TX22_06, unit: SO_TTTT, year: 2022, amount: 250, budget_line: QLNN, name: Vận hành hệ thống màn hình điện tử }
  - { code: TX22_07, unit: SO_TTTT, year: 2022, amount: 300, budget_line: QLNN, name: "Thuê dịch vụ SMS brandname, duy trì đầu số tổng đài Chatbot" }
  - { code: TX22_08, unit: SO_TTTT, year: 2022, amount: 600, budget_line: SNKT, name: "Thuê dịch vụ CNTT vận hành, sử dụng hệ thống báo cáo tỉnh ĐT" }
  - { code: TX22_09, unit: SO_TTTT, year: 2022, amount: 100, budget_line: SNKT, name: Đề án Chuyển đổi số tỉnh Đồng Tháp }
  - { code: TX22_10, unit: SO_TTTT, year: 2022, amount: 1932, budget_line: SNKT, name: Thuê tư vấn xây dựng Đề án tổng thể thực hiện ngầm hóa mạng cáp ngoại vi viễn thông }
  - { code: TX22_11, unit: SO_TTTT, year: 2022, amount: 200, budget_line: SNKT, name: Chi phí chuyển đổi IPv6 năm 2022 cho Trung tâm tích hợp dữ liệu }
  - { code: TX22_12, unit: SO_TTTT, year: 2022, amount: 690, budget_line: SN GDĐT, name: Đào tạo nguồn nhân lực an toàn thông tin }
  - { code: TX22_13, unit: TTCDS, year: 2022, amount: 3090, budget_line: SNKT, name: Duy trì hoạt động của Trung tâm tích hợp dữ liệu }
  - { code: TX22_14, unit: TTCDS, year: 2022, amount: 490, budget_line: SNKT, name: Duy trì hoạt động của Cổng Thông tin điện tử }
  - { code: TX22_15, unit: SO_CT, year: 2022, amount: 500, name: "Phần mềm quản lý mạng bán buôn, bán lẻ tại tỉnh Đồng Tháp", funding: [{ source: NSTW, amount: 350 }, { source: NSDP, amount: 150 }], pillar: KINH_TE }
  - { code: TX22_16, unit: SO_NV, year: 2022, amount: 12047, budget_line: SNKT, pillar: DU_LIEU, name: Số hóa và Tạo lập cơ sở dữ liệu tài liệu lưu trữ tỉnh Đồng Tháp }
  - { code: TX22_17, unit: CA_TINH, year: 2022, amount: 2328, budget_line: chi khác, name: Triển khai thực hiện Đề án 06/CP theo KH số 97/KH-UBND }
  - { code: TX22_18, unit: SO_NNPTNT, year: 2022, amount: 491, budget_line: SNKT, name: Xây dựng Phần mềm “Số hóa việc đánh giá xét công nhận xã Nông thôn mới” }
  - { code: TX23_01, unit: SO_TTTT, year: 2023, amount: 1770, budget_line: SNKT, name: Duy trì hoạt động của Trung tâm tích hợp dữ liệu }
  - { code: TX23_02, unit: SO_TTTT, year: 2023, amount: 50, budget_line: SNKT, name: "Duy trì hoạt động của Cổng, trang Thông tin điện tử" }
  - { code: TX23_03, unit: SO_TTTT, year: 2023, amount: 1995, budget_line: SNKT, name: Duy trì hoạt động Trung tâm điều hành thông minh (IOC) }
  - { code: TX23_04, unit: SO_TTTT, year: 2023, amount: 2500, budget_line: QLNN, pillar: ATTT, name: "Trang bị phần mềm phòng, chống mã độc đáp ứng yêu cầu Chỉ thị số 14/CT-TTg" }
  - { code: TX23_05, unit: SO_TTTT, year: 2023, amount: 350, budget_line: QLNN, name: "Thuê dịch vụ SMS brandname, duy trì đầu số tổng đài Chatbot" }
  - { code: TX23_06, unit: SO_TTTT, year: 2023, amount: 440, budget_line: QLNN, name: Cước đường truyền Trung tâm điều hành thông minh }
  - { code: TX23_07, unit: SO_TTTT, year: 2023, amount: 50, budget_line: QLNN, name: Trang bị hệ thống Wifi phục vụ các chương trình sự kiện }
  - { code: TX23_08, unit: SO_TTTT, year: 2023, amount: 350, budget_line: QLNN, name: Hoạt động Ban Chỉ đạo chuyển đổi số Tỉnh }
  - { code: TX23_09, unit: SO_TTTT, year: 2023, amount: 160, budget_line: SN GDĐT, name: "Đào tạo nguồn nhân lực An toàn thông tin, đào tạo, bồi dưỡng kỹ năng số cho CBCCVC" }
  - { code: TX23_10, unit: SO_TTTT, year: 2023, amount: 500, budget_line: SN GDĐT, name: Đào tạo nâng cao nhận thức cho doanh nghiệp về chuyển đổi số }
  - { code: TX23_11, unit: SO_TTTT, year: 2023, amount: 147, budget_line: SN GDĐT, name: Hoạt động tổ công nghệ số cộng đồng }
  - { code: TX23_12, unit: SO_TTTT, year: 2023, amount: 287, budget_line: SNKT, pillar: ATTT, name: Diễn tập thực chiến bảo đảm ATTT mạng }
  - { code: TX23_13, unit: SO_TTTT, year: 2023, amount: 150, budget_line: SNKT, name: Hỗ trợ doanh nghiệp tham gia thương mại điện tử }
  - { code: TX23_14, unit: SO_TTTT, year: 2023, amount: 2000, budget_line: SNKT, pillar: ATTT, name: "Thuê Dịch vụ đánh giá, giám sát ATTT cho Trung tâm tích hợp dữ liệu tỉnh" }
  - { code: TX23_15, unit: SO_TTTT, year: 2023, amount: 600, budget_line: SNKT, name: "Thuê dịch vụ CNTT vận hành, sử dụng hệ thống báo cáo tỉnh Đồng Tháp" }
  - { code: TX23_16, unit: SO_TTTT, year: 2023, amount: 100, budget_line: SNKT, name: Tuyên truyền chuyển đổi số }
  - { code: TX23_17, unit: SO_TTTT, year: 2023, amount: 330, budget_line: SNKT, name: Chi phí chuyển đổi IPv6 cho Trung tâm tích hợp dữ liệu }
  - { code: TX23_18, unit: SO_TTTT, year: 2023, amount: 411, budget_line: SNKT, name: Thuê dịch vụ công nghệ thông tin để tổng hợp thông tin điện tử viết về Đồng Tháp }
  - { code: TX23_19, unit: SO_TTTT, year: 2023, amount: 4200, budget_line: SNKT, name: Hệ thống thông tin nguồn }
  - { code: TX23_20, unit: SO_TP, year: 2023, amount: 11855, budget_line: SNKT, pillar: DU_LIEU, name: Xây dựng Cơ sở dữ liệu hộ tịch điện tử giai đoạn 2023 - 2024 }
  - { code: TX23_21, unit: SO_NV, year: 2023, amount: 7000, budget_line: SNKT, pillar: DU_LIEU, name: Số hóa và Tạo lập cơ sở dữ liệu tài liệu lưu trữ tỉnh Đồng Tháp }
  - { code: TX23_22, unit: SO_YT, year: 2023, amount: 5000, budget_line: Sự nghiệp y tế, name: "Thực hiện Đề án chuyển đổi số y tế giai đoạn 2022 - 2025, định hướng đến năm 2030" }
  - { code: TX23_23, unit: CA_TINH, year: 2023, amount: 2495, name: Triển khai thực hiện Đề án 06/CP theo Kế hoạch số 97/KH-UBND }
  - { code: TX23_24, unit: SO_NNPTNT, year: 2023, amount: 9869, name: Thuê thiết lập mới hệ sinh thái nền tảng nông nghiệp số }
"##;

fn model() -> Model {
    let meta: Metadata = serde_yaml_ng::from_str(META).unwrap();
    Model::new(meta).unwrap_or_else(|e| panic!("{e}"))
}

fn golden() -> Registers {
    serde_yaml_ng::from_str(GOLDEN).unwrap_or_else(|e| panic!("{e}"))
}

fn m(n: i64) -> Money {
    Money::million(n)
}

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

fn code(s: &str) -> Code {
    Code::new(s).unwrap()
}

/// Rows as "stt|label|amount-cells..." for comparing whole tables.
fn shown(a: &Appendix, cols: &[usize]) -> Vec<String> {
    a.rows.iter().map(|r| cols.iter().map(|&c| r.cells[c].display()).collect::<Vec<_>>().join("|")).collect()
}

#[test]
fn the_golden_register_is_valid_and_round_trips() {
    let reg = golden();
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((reg.projects.len(), reg.recurrent_tasks.len()), (13, 42));
    let yaml = serde_yaml_ng::to_string(&reg).unwrap();
    let back: Registers = serde_yaml_ng::from_str(&yaml).unwrap();
    assert_eq!(back, reg);
    let json = serde_json::to_string(&reg).unwrap();
    assert_eq!(serde_json::from_str::<Registers>(&json).unwrap(), reg);
}

#[test]
fn stated_totals_of_the_example_plan() {
    let reg = golden();
    let inv = |y| allocated(&reg, y, Some(BudgetKind::PublicInvestment));
    let rec = |y| allocated(&reg, y, Some(BudgetKind::Recurrent));
    // Phụ lục II: 12.400 (2021) and 75.152 (2022); Phụ lục V: 101.241 (2023).
    assert_eq!((inv(2021), inv(2022), inv(2023)), (m(12_400), m(75_152), m(101_241)));
    // Phụ lục III: 30.088 (2022); Phụ lục VI: 52.609 (2023).
    assert_eq!((rec(2022), rec(2023)), (m(30_088), m(52_609)));
    let by_year = totals_by_year(&budget_lines(&reg));
    assert_eq!(by_year, BTreeMap::from([(2021, m(12_400)), (2022, m(105_240)), (2023, m(153_850))]));

    // Section 11: "Tổng kinh phí: 105, 24 tỷ đồng ... 75,15 ... 30,09"; 1,57 %.
    let s22 = summary(&reg, 2022);
    assert_eq!(
        s22.sentence(),
        "Tổng kinh phí: 105,24 tỷ đồng. Trong đó: vốn đầu tư công 75,15 tỷ đồng; vốn chi thường xuyên 30,09 tỷ đồng."
    );
    assert_eq!(s22.state_budget, Some(m(6_703_000)));
    assert_eq!(chiso_core::number::format_percent(s22.share.unwrap(), 2), "1,57%");
    assert_eq!(share_of_budget(m(105_240), m(6_703_000)), s22.share);
    assert_eq!(share_of_budget(m(1), Money::ZERO), None);
    // Part II, V: "Tổng kinh phí: 153,85 tỷ đồng ... 101,24 ... 52,61"; no state budget given.
    let s23 = summary(&reg, 2023);
    assert_eq!(
        s23.sentence(),
        "Tổng kinh phí: 153,85 tỷ đồng. Trong đó: vốn đầu tư công 101,24 tỷ đồng; vốn chi thường xuyên 52,61 tỷ đồng."
    );
    assert_eq!((s23.state_budget, s23.share), (None, None));
}

#[test]
fn totals_by_source_unit_pillar_and_kind() {
    let reg = golden();
    let y23 = lines_of_year(&reg, 2023);
    let by_source = totals_by_source(&y23);
    // NSTW: hạ tầng 28.000 + việc làm 4.341; XSKT: tin học 13.000 + việc làm 1.000.
    assert_eq!(by_source[&Some(Source::Nstw)], m(32_341));
    assert_eq!(by_source[&Some(Source::Xskt)], m(14_000));
    assert_eq!(by_source[&Some(Source::Nsdp)], m(153_850 - 32_341 - 14_000));
    assert_eq!(by_source.values().copied().sum::<Money>(), m(153_850));
    // Sở Công Thương's recurrent task 2022 is split NSTW 350 / NSĐP 150.
    let y22 = lines_of_year(&reg, 2022);
    let ct: Vec<_> =
        y22.iter().filter(|l| l.item.as_str() == "TX22_15").map(|l| (l.source.clone(), l.amount)).collect();
    assert_eq!(ct, [(Some(Source::Nstw), m(350)), (Some(Source::Nsdp), m(150))]);
    assert_eq!(totals_by_source(&y22)[&Some(Source::Nstw)], m(22_000 + 350));

    // By unit as recorded, and rolled up to departments (TTCĐS → Sở TTTT).
    let rec22: Vec<_> = y22.iter().filter(|l| l.kind == BudgetKind::Recurrent).cloned().collect();
    let by_unit = totals_by_unit(&rec22);
    assert_eq!(by_unit[&code("TTCDS")], m(3_090 + 490));
    assert_eq!(by_unit[&code("SO_TTTT")], m(14_722 - 3_580));
    let rolled = totals_by_unit_at_level(&rec22, &model(), 2);
    let want: BTreeMap<Code, Money> =
        [("SO_TTTT", 14_722), ("SO_CT", 500), ("SO_NV", 12_047), ("CA_TINH", 2_328), ("SO_NNPTNT", 491)]
            .into_iter()
            .map(|(c, a)| (code(c), m(a)))
            .collect();
    assert_eq!(rolled, want);

    let by_pillar = totals_by_pillar(&y23);
    assert_eq!(by_pillar[&Some(code("DU_LIEU"))], m(3_200 + 4_500 + 1_100 + 15_000 + 11_855 + 7_000));
    assert_eq!(by_pillar[&Some(code("ATTT"))], m(28_000 + 2_500 + 287 + 2_000));
    assert_eq!(by_pillar.values().copied().sum::<Money>(), m(153_850));
    let by_kind = totals_by_kind(&y23);
    assert_eq!(by_kind[&BudgetKind::PublicInvestment], m(101_241));
    assert_eq!(by_kind[&BudgetKind::Recurrent], m(52_609));
    assert_eq!(budget::total(&y23), m(153_850));
}

#[test]
fn appendix_two_allocations_of_2021_and_2022() {
    let (reg, model) = (golden(), model());
    let a = investment_results_appendix(&reg, &model, &[2021, 2022], Layout::flat());
    a.check_totals().unwrap();
    assert_eq!(a.unit_note.as_deref(), Some("ĐVT: Triệu đồng"));
    let headers: Vec<&str> = a.columns.iter().map(|c| c.header.as_str()).collect();
    assert_eq!(
        headers,
        [
            "Stt",
            "Tên dự án",
            "Tổng mức đầu tư",
            "Mục tiêu đầu tư",
            "Nguồn vốn",
            "Vốn bố trí năm 2021",
            "Vốn bố trí năm 2022",
            "Hiện trạng"
        ]
    );
    assert_eq!(
        shown(&a, &[0, 2, 4, 5, 6, 7]),
        [
            "1|5.600|NSĐP|2.200|3.400|Đã đưa vào sử dụng",
            "2|20.080|NSĐP|5.200|8.300|Đang triển khai",
            "3|24.119|NSĐP|5.000|14.500|Đang triển khai",
            "4|55.534|NSTW||22.000|Đang triển khai",
            "5|15.809|NSĐP||5.139|Đang triển khai",
            "6|13.529|NSĐP||6.875|Đang triển khai",
            "7|10.135|NSĐP||7.008|Đang triển khai",
            "8|32.420|NSĐP: 7.930; XSKT: 24.490||7.930|Đang triển khai",
            "|||12.400|75.152|",
        ]
    );
    let last = a.rows.last().unwrap();
    assert_eq!(last.kind, RowKind::Total);
    assert_eq!(last.cells[1].display(), "TỔNG CỘNG");
    assert_eq!((a.total(5), a.total(6)), (m(12_400), m(75_152)));
    // Total investment is not totalled (the document does not).
    assert_eq!(last.cells[2], Cell::Empty);
    // A project with no allocation in a year shows an empty cell.
    assert_eq!(a.rows[3].cells[5], Cell::Empty);
    assert_eq!(
        a.rows[3].cells[1].display(),
        "Nâng cấp hệ thống hạ tầng phục vụ chính quyền số và an toàn thông tin mạng tỉnh Đồng Tháp"
    );
}

#[test]
fn appendix_five_projects_of_2023() {
    let (reg, model) = (golden(), model());
    let a = investment_appendix(&reg, &model, 2023, Layout::flat());
    a.check_totals().unwrap();
    assert_eq!(a.title, "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2023");
    let items: Vec<_> = a.rows.iter().filter(|r| r.kind == RowKind::Item).collect();
    assert_eq!(items.len(), 12);
    assert_eq!(a.total(5), m(101_241));
    let row = |name: &str| items.iter().find(|r| r.cells[1].display().starts_with(name)).unwrap();
    assert_eq!(
        row("Xây dựng kho dữ liệu").cells.iter().skip(2).map(Cell::display).collect::<Vec<_>>(),
        ["Số 1153/QĐ-UBND-HC ngày 21/10/2022", "43.037", "2022 - 2024", "15.000", "NSĐP"]
    );
    assert_eq!(
        row("Thiết bị truyền hình").cells[2].display(),
        "Số 528/QĐ-UBND.HC ngày 10/05/2021; Số 1126/QĐ-UBND-HC ngày 10/08/2021"
    );
    assert_eq!(row("Hỗ trợ việc làm").cells[6].display(), "NSTW: 4.341; XSKT: 1.000");
    assert_eq!(row("Mua sắm thiết bị").cells[6].display(), "XSKT");
    let nn = row("Hệ thống nền tảng nông nghiệp số");
    assert_eq!(nn.cells[2].display(), "Đang thực hiện thủ tục chủ trương đầu tư");
    assert_eq!(nn.cells[6].display(), "NSĐP; khởi công mới");

    // Grouped by implementing unit: subtotals add up to the same total.
    let g = investment_appendix(&reg, &model, 2023, Layout::by_unit(2));
    g.check_totals().unwrap();
    assert_eq!(g.rows[0].kind, RowKind::Total);
    assert_eq!(g.total(5), m(101_241));
    let groups: Vec<String> = g
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Group { depth: 0 })
        .map(|r| format!("{}|{}|{}", r.cells[0].display(), r.cells[1].display(), r.cells[5].display()))
        .collect();
    assert_eq!(
        groups,
        [
            "I|SỞ THÔNG TIN VÀ TRUYỀN THÔNG|48.600",
            "II|SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN|1.000",
            "III|SỞ GIÁO DỤC VÀ ĐÀO TẠO|13.000",
            "IV|SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI|5.341",
            "V|SỞ XÂY DỰNG|6.000",
            "VI|ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH|18.500",
            "VII|HUYỆN CAO LÃNH|3.200",
            "VIII|HUYỆN LẤP VÒ|4.500",
            "IX|HUYỆN LAI VUNG|1.100",
        ]
    );
}

#[test]
fn appendices_three_and_six_by_unit() {
    let (reg, model) = (golden(), model());
    let a = recurrent_appendix(&reg, &model, 2022, Layout::by_unit(2));
    a.check_totals().unwrap();
    let heads: Vec<String> = a
        .rows
        .iter()
        .filter(|r| r.kind != RowKind::Item)
        .map(|r| format!("{}|{}|{}", r.cells[0].display(), r.cells[1].display(), r.cells[3].display()))
        .collect();
    assert_eq!(
        heads,
        [
            "|TỔNG CỘNG|30.088",
            "I|SỞ THÔNG TIN VÀ TRUYỀN THÔNG|14.722",
            "II|SỞ CÔNG THƯƠNG|500",
            "III|SỞ NỘI VỤ|12.047",
            "IV|CÔNG AN TỈNH|2.328",
            "V|SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN|491",
        ]
    );
    // Items are numbered within their group; the centre's rows sit under its Sở
    // with their own unit's short name.
    assert_eq!(
        shown(&a, &[0, 2, 3, 4])[14..18],
        ["13|TTCĐS|3.090|SNKT", "14|TTCĐS|490|SNKT", "II||500|", "1|Sở Công Thương|500|NSTW: 350; NSĐP: 150"]
    );

    let b = recurrent_appendix(&reg, &model, 2023, Layout::by_unit(2));
    b.check_totals().unwrap();
    let heads: Vec<String> = b
        .rows
        .iter()
        .filter(|r| r.kind != RowKind::Item)
        .map(|r| format!("{}|{}|{}", r.cells[0].display(), r.cells[1].display(), r.cells[3].display()))
        .collect();
    assert_eq!(
        heads,
        [
            "|TỔNG CỘNG|52.609",
            "I|SỞ THÔNG TIN VÀ TRUYỀN THÔNG|16.390",
            "II|SỞ TƯ PHÁP|11.855",
            "III|SỞ NỘI VỤ|7.000",
            "IV|SỞ Y TẾ|5.000",
            "V|CÔNG AN TỈNH|2.495",
            "VI|SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN|9.869",
        ]
    );
    // A task with neither budget line nor split shows no source.
    assert_eq!(b.rows.last().unwrap().cells[4], Cell::Empty);
    // Flat, the total goes last and numbering runs through.
    let f = recurrent_appendix(&reg, &model, 2023, Layout::flat());
    f.check_totals().unwrap();
    assert_eq!(f.rows.len(), 25);
    assert_eq!(f.rows[23].cells[0].display(), "24");
    assert_eq!(f.total(3), m(52_609));
}

#[test]
fn one_table_for_all_the_money_of_a_year() {
    let (reg, model) = (golden(), model());
    let a = budget_appendix(&reg, &model, 2023, Some(2));
    a.check_totals().unwrap();
    let outer: Vec<String> = a
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Total | RowKind::Group { depth: 0 }))
        .map(|r| format!("{}|{}|{}", r.cells[0].display(), r.cells[1].display(), r.cells[3].display()))
        .collect();
    assert_eq!(outer, ["|TỔNG CỘNG|153.850", "A|VỐN ĐẦU TƯ CÔNG|101.241", "B|VỐN CHI THƯỜNG XUYÊN|52.609"]);
    let inner = a.rows.iter().filter(|r| r.kind == RowKind::Group { depth: 1 }).count();
    assert_eq!(inner, 9 + 6);
    let flat = budget_appendix(&reg, &model, 2023, None);
    flat.check_totals().unwrap();
    assert_eq!(flat.rows.len(), 1 + 2 + 12 + 24);
}

#[test]
fn a_recurrent_kind_project_counts_with_recurrent_spending() {
    let (mut reg, model) = (golden(), model());
    reg.projects.push(serde_yaml_ng::from_str(
        "{ code: DA_HO_TICH, name: Cơ sở dữ liệu hộ tịch, total_investment: 20000, period: { from: 2023, to: 2024 }, funding: [{ source: NSDP, amount: 20000 }], kind: recurrent, unit: SO_TP, status: ongoing, allocations: [{ year: 2023, amount: 8000 }] }",
    ).unwrap());
    reg.validate(&model).unwrap();
    assert_eq!(allocated(&reg, 2023, Some(BudgetKind::Recurrent)), m(52_609 + 8_000));
    assert_eq!(allocated(&reg, 2023, Some(BudgetKind::PublicInvestment)), m(101_241));
    let a = recurrent_appendix(&reg, &model, 2023, Layout::by_unit(2));
    a.check_totals().unwrap();
    assert_eq!(a.total(3), m(60_609));
    assert!(a.rows.iter().any(|r| r.cells[1].display() == "SỞ TƯ PHÁP" && r.cells[3] == Cell::Amount(m(19_855))));
    assert_eq!(investment_appendix(&reg, &model, 2023, Layout::flat()).total(5), m(101_241));
}

const SMALL: &str = r##"
projects:
  - code: DA_A
    name: Trung tâm dữ liệu
    decisions: [{ number: 12/QĐ-UBND, date: 2025-03-01, authority: UBND tỉnh }]
    total_investment: 30000
    period: { from: 2025, to: 2027 }
    funding: [{ source: NSTW, amount: 20000 }, { source: NSDP, amount: 10000 }]
    kind: public_investment
    unit: SO_TTTT
    status: ongoing
    transition: true
    allocations:
      - { year: 2025, source: NSTW, amount: 5000 }
      - { year: 2026, source: NSTW, amount: 8000 }
      - { year: 2026, source: NSDP, amount: 2000 }
    disbursements:
      - { period: 2025Q4, amount: 4800 }
      - { period: 202603, amount: 2000 }
      - { date: 2026-06-30, amount: 3000 }
      - { date: 2026-11-20, amount: 1500 }
  - code: DA_B
    name: Camera
    total_investment: 1000
    period: { from: 2026, to: 2026 }
    funding: [{ source: NSDP, amount: 1000 }]
    kind: public_investment
    unit: CA_TINH
    status: completed
    allocations: [{ year: 2026, amount: 1000 }]
    disbursements: [{ date: 2026-09-30, amount: 1000 }]
recurrent_tasks:
  - { code: TX_A, unit: SO_TTTT, year: 2026, name: Duy trì IOC, amount: 2000, disbursements: [{ period: 2026S1, amount: 900 }, { date: 2026-12-15, amount: 600 }] }
"##;

#[test]
fn disbursement_is_a_ratio_of_sums_as_of_a_day() {
    let reg: Registers = serde_yaml_ng::from_str(SMALL).unwrap();
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
    let a = &reg.projects[0];
    assert_eq!(a.allocated_in(2026), m(10_000));
    assert_eq!(a.disbursed_in(2026, d(2026, 11, 1)), m(5_000));
    assert_eq!(a.disbursement_rate(2026, d(2026, 11, 1)), Some(50.0));
    assert_eq!(a.disbursement_rate(2026, d(2026, 11, 23)), Some(65.0));
    // A quarter counts from its last day.
    assert_eq!(a.disbursed_in(2025, d(2025, 12, 30)), Money::ZERO);
    assert_eq!(a.disbursement_rate(2025, d(2025, 12, 31)), Some(96.0));
    assert_eq!(a.disbursed_until(d(2026, 11, 23)), m(11_300));
    assert_eq!(a.disbursement_rate(2024, d(2026, 1, 1)), None);
    let pi = Some(BudgetKind::PublicInvestment);
    // 7.500 / 11.000 = 68,18 %, not the mean of 65 % and 100 %.
    assert_eq!(disbursed(&reg, 2026, d(2026, 11, 23), pi), m(7_500));
    let r = disbursement_rate(&reg, 2026, d(2026, 11, 23), pi).unwrap();
    assert!((r - 7_500.0 / 11_000.0 * 100.0).abs() < 1e-9, "{r}");
    // Recurrent: the half-year counts from 30/6; the December payment not yet.
    assert_eq!(disbursed(&reg, 2026, d(2026, 11, 23), Some(BudgetKind::Recurrent)), m(900));
    assert_eq!(disbursed(&reg, 2026, d(2026, 12, 31), None), m(7_500 + 1_500));
    let all = disbursement_rate(&reg, 2026, d(2026, 12, 31), None).unwrap();
    assert!((all - 9_000.0 / 13_000.0 * 100.0).abs() < 1e-9);
    // The allocation by source, in the order of the project's funding.
    let by: Vec<(Option<&Source>, Money)> = a.allocation_by_source(2026);
    assert_eq!(by, [(Some(&Source::Nstw), m(8_000)), (Some(&Source::Nsdp), m(2_000))]);
}

#[test]
fn validation_lists_every_problem_with_its_place() {
    let bad = r##"
state_budget: [{ year: 2026, amount: 0 }]
projects:
  - code: DA_01
    name: Dự án sai
    total_investment: 10000
    period: { from: 2025, to: 2026 }
    funding: [{ source: NSTW, amount: 6000 }, { source: NSDP, amount: -1000 }]
    kind: public_investment
    unit: SO_KHONG_CO
    pillar: KHONG_CO
    status: planned
    allocations:
      - { year: 2024, source: NSTW, amount: 1000 }
      - { year: 2026, amount: 500 }
      - { year: 2026, source: XSKT, amount: 500 }
      - { year: 2025, source: NSTW, amount: 5500 }
    disbursements:
      - { date: 2025-05-01, period: 202505, amount: 10 }
      - { amount: 10 }
      - { date: 2025-06-01, amount: 7000 }
  - code: DA_01
    name: Trùng mã
    total_investment: 100
    period: { from: 2021, to: 2022 }
    funding: [{ source: NSDP, amount: 100 }]
    kind: public_investment
    unit: SO_CU
    status: completed
recurrent_tasks:
  - { code: TX_01, unit: SO_TTTT, year: 2026, name: Nhiệm vụ, amount: 100, funding: [{ source: NSTW, amount: 50 }], disbursements: [{ date: 2025-12-01, amount: 200 }] }
  - { code: TX_02, unit: SO_CU, year: 2026, name: "", amount: -5 }
tasks:
  - { code: NV_01, name: Nhiệm vụ A, year: 2024, plan: KH_2023, target: CT09, lead: [], cooperating: [NHOM_X], due: Tháng 09/2024, assigned_on: 2024-10-01 }
  - { code: NV_02, name: Nhiệm vụ B, year: 2023, target: CT01, pillar: KHONG_CO, lead: [SO, SO_NV], due: Cuối năm 2023 }
  - { code: NV_03, name: Nhiệm vụ C, year: 2023, plan: KH_KHONG_CO, lead: [SO_NV], due: Cuối năm 2023 }
progress_reports:
  - { task: NV_09, date: 2023-05-01, by: SO_NV, percent: 120 }
  - { task: NV_02, date: 2023-05-01, by: XA_KHONG_CO }
  - { task: NV_02, date: 2023-06-01, by: SO_NV, percent: 80, state: completed }
"##;
    let reg: Registers = serde_yaml_ng::from_str(bad).unwrap();
    let errs = reg.validate(&model()).unwrap_err();
    let got: Vec<String> = errs.0.iter().map(ToString::to_string).collect();
    let want = [
        "state_budget[0].amount: tổng chi ngân sách phải lớn hơn 0",
        "projects[DA_01].unit: đơn vị SO_KHONG_CO không tồn tại",
        "projects[DA_01].pillar: trụ cột KHONG_CO không tồn tại",
        "projects[DA_01].funding[1].amount: số tiền âm (-1.000 triệu đồng)",
        "projects[DA_01].funding: tổng các nguồn vốn 5.000 khác tổng mức đầu tư 10.000 (triệu đồng)",
        "projects[DA_01].allocations[0].year: năm 2024 ngoài thời gian thực hiện 2025 - 2026",
        "projects[DA_01].allocations[1].source: dự án có nhiều nguồn vốn: cần ghi nguồn của khoản vốn bố trí",
        "projects[DA_01].allocations[2].source: nguồn vốn XSKT không có trong các nguồn vốn của dự án",
        "projects[DA_01].allocations: vốn bố trí nguồn NSTW (6.500) vượt phần vốn của nguồn (6.000)",
        "projects[DA_01].disbursements[0]: chỉ ghi ngày (date) hoặc kỳ (period), không ghi cả hai",
        "projects[DA_01].disbursements[1]: cần ghi ngày (date) hoặc kỳ (period) giải ngân",
        "projects[DA_01].status: dự án đang chuẩn bị đầu tư nhưng đã có giải ngân",
        "projects[DA_01].disbursements: giải ngân lũy kế đến hết năm 2025 (7.010) vượt vốn bố trí lũy kế (6.500)",
        "projects[DA_01]: mã bị trùng",
        "projects[DA_01].unit: đơn vị SO_CU không hoạt động trong thời gian thực hiện 2021 - 2022",
        "recurrent_tasks[TX_01].funding: tổng các nguồn 50 khác kinh phí bố trí 100 (triệu đồng)",
        "recurrent_tasks[TX_01].disbursements[0]: ngày 01/12/2025 ngoài năm 2026",
        "recurrent_tasks[TX_01].disbursements: tổng giải ngân 200 vượt kinh phí bố trí 100",
        "recurrent_tasks[TX_02].name: chưa có tên nhiệm vụ",
        "recurrent_tasks[TX_02].unit: đơn vị SO_CU không hoạt động trong năm 2026",
        "recurrent_tasks[TX_02].amount: số tiền âm (-5 triệu đồng)",
        "tasks[NV_01].lead: chưa có đơn vị chủ trì",
        "tasks[NV_01].cooperating: đơn vị hoặc nhóm NHOM_X không tồn tại",
        "tasks[NV_01].year: năm 2024 khác năm của kế hoạch KH_2023 (2023)",
        "tasks[NV_01].target: kế hoạch KH_2023 không có chỉ tiêu CT09",
        "tasks[NV_01].assigned_on: ngày giao 01/10/2024 không trước hạn 30/09/2024",
        "tasks[NV_02].pillar: trụ cột KHONG_CO không tồn tại",
        "tasks[NV_02].target: cần ghi kế hoạch (plan) của chỉ tiêu",
        "tasks[NV_03].plan: kế hoạch KH_KHONG_CO không tồn tại",
        "progress_reports[0].task: nhiệm vụ NV_09 không tồn tại",
        "progress_reports[0].percent: tỷ lệ hoàn thành 120 ngoài khoảng 0–100",
        "progress_reports[1].by: đơn vị XA_KHONG_CO không tồn tại",
        "progress_reports[1].state: cần ghi tỷ lệ hoàn thành (percent) hoặc trạng thái (state)",
        "progress_reports[2].state: báo hoàn thành nhưng tỷ lệ 80% chưa đủ 100%",
    ];
    for w in &want {
        assert!(got.contains(&w.to_string()), "missing: {w}\ngot:\n{}", got.join("\n"));
    }
    assert_eq!(got.len(), want.len(), "got:\n{}", got.join("\n"));
    let text = errs.to_string();
    assert!(text.starts_with(&format!("sổ theo dõi có {} lỗi:\n  - state_budget[0]", want.len())), "{text}");
}

#[test]
fn files_refuse_unknown_fields_and_bad_words() {
    let e = serde_yaml_ng::from_str::<Registers>("projects: [{ code: A, nam: x }]").unwrap_err().to_string();
    assert!(e.contains("unknown field `nam`"), "{e}");
    let e = serde_yaml_ng::from_str::<Registers>("prjects: []").unwrap_err().to_string();
    assert!(e.contains("unknown field `prjects`"), "{e}");
    let e = serde_yaml_ng::from_str::<Registers>(
        "recurrent_tasks: [{ code: A, unit: U, name: x, year: 2026, amount: 1, funding: [{ source: ODA, amount: 1 }] }]",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("ODA"), "{e}");
    let e =
        serde_yaml_ng::from_str::<Registers>("tasks: [{ code: A, name: x, year: 2026, lead: [U], due: x, state: y }]")
            .unwrap_err()
            .to_string();
    assert!(e.contains("unknown field `state`"), "{e}");
    let e =
        serde_yaml_ng::from_str::<Registers>("progress_reports: [{ task: A, date: 2026-01-01, by: U, state: done }]")
            .unwrap_err()
            .to_string();
    assert!(e.contains("done"), "{e}");
}

// ------------------------------------------------------------------ tasks

/// Tasks from Phụ lục VII of examples/004 (2023), with reports.
const TASKS: &str = r##"
tasks:
  - { code: NV01, name: Công bố chính thức nền tảng dữ liệu số nông nghiệp, plan: KH_2023, target: CT01, pillar: DU_LIEU, year: 2023, lead: [SO_NNPTNT], cooperating: [SO_TTTT], due: Trước 09/2023 }
  - { code: NV02, name: Ban hành danh mục dữ liệu dùng chung, pillar: DU_LIEU, year: 2023, lead: [SO_TTTT], cooperating: [SO, HUYEN], due: Trước tháng 05/2023 }
  - { code: NV03, name: "90% người dân, doanh nghiệp hài lòng", plan: KH_2023, target: CT02, pillar: CHINH_QUYEN, year: 2023, lead: [SO_NV], cooperating: [SO, HUYEN], due: Cuối năm 2023 }
  - { code: NV04, name: 100% tuyến quốc lộ được lắp đặt camera giám sát giao thông, pillar: CHINH_QUYEN, year: 2023, lead: [CA_TINH, HUYEN], cooperating: [SO_TTTT], due: Cuối năm 2023 }
  - { code: NV05, name: Trên 50% dịch vụ vận tải thu phí không dùng tiền mặt, pillar: KINH_TE, year: 2023, lead: [SO_CT], due: Cuối năm 2025 }
  - { code: NV06, name: 100% cơ quan nhà nước nhập đầy đủ dữ liệu trên hệ thống thông tin báo cáo, pillar: DU_LIEU, year: 2023, lead: [SO_TTTT], cooperating: [SO, HUYEN], due: Nhiệm vụ thường xuyên }
  - { code: NV07, name: Đánh giá an toàn thông tin cho 1/3 số sở, pillar: ATTT, year: 2023, lead: [SO_TTTT], due: Tháng 11/2023 }
  - { code: NV08, name: Tổ chức diễn tập thực chiến ATTT, pillar: ATTT, year: 2023, lead: [SO_TTTT], due: Tháng 11/2023 }
  - { code: NV09, name: Kiểm tra an toàn an ninh mạng các cơ quan nhà nước, pillar: ATTT, year: 2023, lead: [CA_TINH], cooperating: [SO_TTTT], due: Tháng 10/2023 }
  - { code: NV10, name: Tập huấn kỹ năng ứng dụng công nghệ số cho CBCC, year: 2023, lead: [SO_NV], due: Cuối năm 2023 }
  - { code: NV11, name: Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số, pillar: KINH_TE, year: 2023, lead: [SO_TTTT], due: Cuối năm 2023, assigned_on: 2023-07-01 }
progress_reports:
  - { task: NV01, date: 2023-06-30, by: SO_NNPTNT, percent: 70 }
  - { task: NV01, date: 2023-08-25, by: SO_NNPTNT, state: completed, comment: Đã công bố }
  - { task: NV02, date: 2023-03-31, by: SO_TTTT, percent: 60 }
  - { task: NV02, date: 2023-06-15, by: SO_TTTT, percent: 100 }
  - { task: NV03, date: 2023-06-30, by: SO_NV, percent: 30 }
  - { task: NV03, date: 2023-10-31, by: SO_NV, percent: 45 }
  - { task: NV04, date: 2023-09-30, by: CA_TINH, percent: 40 }
  - { task: NV04, date: 2023-11-15, by: CA_TINH, percent: 55 }
  - { task: NV05, date: 2023-10-31, by: SO_CT, percent: 10 }
  - { task: NV06, date: 2023-09-30, by: SO_TTTT, state: in_progress }
  - { task: NV07, date: 2023-10-15, by: SO_TTTT, percent: 80, state: at_risk, comment: Thiếu đơn vị tư vấn độc lập }
  - { task: NV08, date: 2023-11-10, by: SO_TTTT, state: completed }
  - { task: NV08, date: 2023-11-20, by: SO_TTTT, percent: 90, comment: Mở lại - chưa nghiệm thu }
  - { task: NV09, date: 2023-09-30, by: CA_TINH, percent: 50 }
  - { task: NV11, date: 2023-09-30, by: SO_TTTT, state: not_started }
"##;

fn tasks() -> Registers {
    serde_yaml_ng::from_str(TASKS).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn task_standings_on_a_day() {
    let reg = tasks();
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
    let as_of = d(2023, 11, 23);
    let st = statuses(&reg, as_of);
    let standing: Vec<(&str, Standing)> = st.iter().map(|s| (s.task.code.as_str(), s.standing)).collect();
    assert_eq!(
        standing,
        [
            ("NV01", Standing::CompletedOnTime),
            ("NV02", Standing::CompletedLate),
            ("NV03", Standing::AtRisk),
            ("NV04", Standing::OnTrack),
            ("NV05", Standing::OnTrack),
            ("NV06", Standing::OnTrack),
            ("NV07", Standing::AtRisk),
            ("NV08", Standing::OnTrack),
            ("NV09", Standing::Overdue),
            ("NV10", Standing::NotReported),
            ("NV11", Standing::AtRisk),
        ]
    );
    // Deadlines from the phrases: "Trước 09/2023" is 31/8, "Trước tháng 05/2023" 30/4.
    assert_eq!(st[0].deadline, d(2023, 8, 31));
    assert_eq!((st[1].deadline, st[1].completed_on), (d(2023, 4, 30), Some(d(2023, 6, 15))));
    // NV03: 45 % at day 326 of 364: R = (45 / 326) / (100 / 364) = 0,50 < 0,6.
    let r = st[2].pace.as_ref().unwrap().ratio.unwrap();
    assert!((r - (45.0 / 326.0) / (100.0 / 364.0)).abs() < 1e-12, "{r}");
    assert!((r - 0.5025).abs() < 1e-3);
    // NV04: 55 %: R = 0,614, acceleration needed but not at risk.
    let r = st[3].pace.as_ref().unwrap().ratio.unwrap();
    assert!((r - 0.6141).abs() < 1e-3, "{r}");
    // NV05 is due in 2025: not judged on this year's pace.
    assert_eq!(st[4].pace, None);
    // NV06 is recurring: never overdue, never paced.
    assert_eq!((st[5].deadline, st[5].pace.is_none()), (d(2023, 12, 31), true));
    // NV07 says so itself; NV08 was reopened after its completion report.
    assert_eq!(st[6].state, Some(TaskState::AtRisk));
    assert_eq!((st[7].completed_on, st[7].percent), (None, Some(90.0)));
    // NV08 at 90 % on 23/11 for 30/11: R = (90 / 326) / (100 / 333) = 0,92.
    let r = st[7].pace.as_ref().unwrap().ratio.unwrap();
    assert!((r - (90.0 / 326.0) / (100.0 / 333.0)).abs() < 1e-12, "{r}");
    // NV11 was assigned on 1/7 and reported not started: R = 0.
    assert_eq!(st[10].pace.as_ref().unwrap().ratio, Some(0.0));
}

#[test]
fn task_lists_and_counts() {
    let reg = tasks();
    let st = statuses(&reg, d(2023, 11, 23));
    let codes =
        |v: Vec<&chiso_core::register::TaskStatus<'_>>| v.iter().map(|s| s.task.code.to_string()).collect::<Vec<_>>();
    assert_eq!(codes(overdue(&st)), ["NV09"]);
    assert_eq!(codes(at_risk(&st)), ["NV07", "NV03", "NV11"]);
    let c = counts(&st);
    assert_eq!(
        c,
        TaskCounts {
            assigned: 11,
            completed: 2,
            completed_on_time: 1,
            completed_late: 1,
            overdue: 1,
            at_risk: 3,
            on_track: 4,
            not_reported: 1
        }
    );
    assert_eq!(
        c.sentence(),
        "Giao 11 nhiệm vụ: đã hoàn thành 2 (đúng hạn 1), quá hạn 1, có nguy cơ không hoàn thành trong năm 3, đang thực hiện 4, chưa báo cáo 1."
    );
    // After the year: year-end tasks not completed are overdue, the recurring one is not.
    let st = statuses(&reg, d(2024, 1, 15));
    let c = counts(&st);
    assert_eq!((c.overdue, c.at_risk, c.completed), (7, 0, 2));
    assert_eq!(st[5].standing, Standing::OnTrack);
    assert_eq!(st[4].standing, Standing::OnTrack);
    // Reports after the day are not seen.
    let st = statuses(&reg, d(2023, 6, 1));
    assert_eq!(st[0].standing, Standing::NotReported);
    assert_eq!(st[1].standing, Standing::Overdue);
}

#[test]
fn the_pace_is_judged_after_a_quarter_of_the_time() {
    let mut reg = tasks();
    reg.progress_reports.push(ProgressReport {
        task: code("NV10"),
        date: d(2023, 2, 1),
        by: code("SO_NV"),
        percent: Some(0.0),
        state: None,
        comment: None,
    });
    let at = |day| statuses(&reg, day)[9].clone().standing;
    // 45 of 364 days: too early to judge a task that has not started.
    assert_eq!(at(d(2023, 2, 15)), Standing::OnTrack);
    // 104 of 364 days: past a quarter, and nothing done.
    assert_eq!(at(d(2023, 4, 15)), Standing::AtRisk);
}

#[test]
fn the_assignment_table_by_pillar() {
    let (reg, model) = (tasks(), model());
    let a = assignment_appendix(&reg, &model, 2023);
    a.check_totals().unwrap();
    assert!(a.rows.iter().all(|r| r.kind != RowKind::Total));
    let groups: Vec<String> = a
        .rows
        .iter()
        .filter(|r| r.kind != RowKind::Item)
        .map(|r| format!("{} {}", r.cells[0].display(), r.cells[1].display()))
        .collect();
    assert_eq!(
        groups,
        [
            "I XÂY DỰNG DỮ LIỆU SỐ",
            "II XÂY DỰNG CHÍNH QUYỀN SỐ",
            "III PHÁT TRIỂN KINH TẾ SỐ",
            "IV BẢO ĐẢM AN TOÀN, AN NINH MẠNG",
            "V NHIỆM VỤ KHÁC"
        ]
    );
    assert_eq!(
        a.rows[2].cells.iter().map(Cell::display).collect::<Vec<_>>(),
        [
            "2",
            "Ban hành danh mục dữ liệu dùng chung",
            "Sở TTTT",
            "Các sở, ngành Tỉnh; UBND cấp huyện",
            "Trước tháng 05/2023"
        ]
    );
    assert_eq!(a.rows.len(), 11 + 5);
    assert!(assignment_appendix(&reg, &model, 2024).rows.is_empty());
}

#[test]
fn a_plans_targets_as_tasks() {
    let model = model();
    let plan = model.plan("KH_2023").unwrap();
    let t = tasks_from_plan(plan);
    assert_eq!(t.len(), 2);
    assert_eq!((t[0].deadline(), t[0].start()), (d(2023, 8, 31), d(2023, 2, 10)));
    assert_eq!(t[1].cooperating, [code("SO"), code("HUYEN")]);
    let reg = Registers { tasks: t, ..Registers::default() };
    reg.validate(&model).unwrap();
    let st = statuses(&reg, d(2023, 9, 1));
    assert_eq!(st[0].standing, Standing::Overdue);
    assert_eq!(st[1].standing, Standing::NotReported);
}

// ---------------------------------------------------------------------------
// Information systems and security dossiers

const SECURITY: &str = r##"
systems:
  - { code: HT_QLVB, name: Hệ thống quản lý văn bản và điều hành, owner: SO_TTTT, purpose: "Quản lý văn bản, ký số", level: 3, in_operation_since: 2019-07-01 }
  - { code: HT_DVC, name: Cổng dịch vụ công và Hệ thống thông tin giải quyết TTHC, owner: SO_TTTT, level: 3 }
  - { code: HT_LGSP, name: "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", owner: TTCDS, level: 3 }
  - { code: HT_TMDT, name: Sàn thương mại điện tử tỉnh, owner: SO_CT, level: 2 }
  - { code: HT_HOTICH, name: Cơ sở dữ liệu hộ tịch, owner: SO_TP, level: 3 }
  - { code: HT_CBCC, name: "Cơ sở dữ liệu cán bộ, công chức", owner: SO_NV, level: 2 }
  - { code: HT_BVDK, name: Hệ thống thông tin bệnh viện đa khoa tỉnh, owner: SO_YT, level: 3 }
  - { code: HT_CAMERA, name: "Hệ thống camera giám sát an ninh, trật tự", owner: CA_TINH, level: 4 }
  - { code: HT_NN, name: Cơ sở dữ liệu nông nghiệp, owner: SO_NNPTNT, level: 2 }
  - { code: HT_TRUONG, name: Hệ thống quản lý trường học, owner: SO_GDDT, level: 2 }
  - { code: HT_MC_CL, name: Bộ phận một cửa điện tử huyện Cao Lãnh, owner: H_CL, level: 2 }
  - { code: HT_WEB_LV, name: Cổng thông tin điện tử huyện Lấp Vò, owner: H_LV, level: 1 }
  - { code: HT_MC_LVU, name: Bộ phận một cửa điện tử huyện Lai Vung, owner: H_LVU, level: 2 }
dossiers:
  - code: HS01
    system: HT_QLVB
    submitted: 2023-02-01
    history:
      - { date: 2023-02-10, status: under_appraisal }
      - { date: 2023-03-15, status: approved, decision: 215/QĐ-STTTT }
  - code: HS02
    system: HT_DVC
    submitted: 2023-03-01
    history:
      - { date: 2023-03-20, status: returned, missing: thiếu phương án bảo đảm an toàn thông tin theo cấp độ }
      - { date: 2023-04-10, status: resubmitted }
      - { date: 2023-05-05, status: approved, decision: 330/QĐ-STTTT }
  - { code: HS03, system: HT_LGSP, submitted: 2023-06-01, history: [{ date: 2023-06-15, status: under_appraisal }] }
  - { code: HS04, system: HT_TMDT, submitted: 2023-07-01, history: [{ date: 2023-07-20, status: returned, missing: "thiếu thuyết minh phạm vi, quy mô của hệ thống" }] }
  - { code: HS05, system: HT_HOTICH, submitted: 2023-04-01, history: [{ date: 2023-05-10, status: approved, decision: 88/QĐ-STP }] }
  - { code: HS06, system: HT_CBCC, submitted: 2023-09-01 }
  - code: HS07
    system: HT_BVDK
    submitted: 2023-05-02
    history:
      - { date: 2023-05-30, status: returned, missing: thiếu phương án bảo đảm an toàn thông tin theo cấp độ }
      - { date: 2023-08-15, status: resubmitted }
  - code: HS08
    system: HT_CAMERA
    submitted: 2023-03-10
    history:
      - { date: 2023-03-20, status: under_appraisal, note: Gửi Bộ thẩm định }
      - { date: 2023-11-30, status: approved, decision: 1520/QĐ-CAT }
  - { code: HS09, system: HT_NN, submitted: 2023-08-01, history: [{ date: 2023-10-02, status: returned, missing: thiếu sơ đồ thiết kế hệ thống }] }
  - { code: HS10, system: HT_TRUONG, submitted: 2023-02-15, history: [{ date: 2023-03-30, status: approved, decision: 120/QĐ-SGDĐT }] }
  - { code: HS11, system: HT_MC_CL, submitted: 2023-05-05, history: [{ date: 2023-06-20, status: approved, decision: 455/QĐ-UBND }] }
  - { code: HS12, system: HT_WEB_LV, submitted: 2023-10-10, history: [{ date: 2023-10-20, status: under_appraisal }] }
  - { code: HS13, system: HT_MC_LVU, submitted: 2023-12-04 }
"##;

fn security() -> Registers {
    serde_yaml_ng::from_str(SECURITY).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn dossier_counts_and_the_report_sentence() {
    use chiso_core::register::security::{
        counts as dossier_counts, counts_by_level, counts_by_state, counts_by_unit, standings,
    };
    use chiso_core::register::{DossierCounts, DossierState, DossierStatus};
    let reg = security();
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
    // 23/11/2023: HS13 is not submitted yet; HS08's approval (30/11) is still to come.
    let st = standings(&reg, d(2023, 11, 23));
    assert_eq!(st.len(), 12);
    let c = dossier_counts(&st);
    assert_eq!(c, DossierCounts { units: 11, dossiers: 12, approved: 5, pending: 5, returned: 2 });
    assert_eq!(c.sentence(), "11 đơn vị, 12 bộ hồ sơ: 5 đã phê duyệt, 5 chờ phê duyệt, 2 cần bổ sung");
    let hs08 = st.iter().find(|s| s.dossier.code.as_str() == "HS08").unwrap();
    assert_eq!((hs08.status, hs08.since, hs08.level()), (DossierStatus::UnderAppraisal, d(2023, 3, 20), Some(4)));
    let hs04 = st.iter().find(|s| s.dossier.code.as_str() == "HS04").unwrap();
    assert_eq!(hs04.missing, Some("thiếu thuyết minh phạm vi, quy mô của hệ thống"));
    let hs07 = st.iter().find(|s| s.dossier.code.as_str() == "HS07").unwrap();
    assert_eq!((hs07.status, hs07.state, hs07.missing), (DossierStatus::Resubmitted, DossierState::Pending, None));
    let hs02 = st.iter().find(|s| s.dossier.code.as_str() == "HS02").unwrap();
    assert_eq!((hs02.decision, hs02.since), (Some("330/QĐ-STTTT"), d(2023, 5, 5)));

    // By unit: Sở TTTT has two approved dossiers; units in code order.
    let by_unit = counts_by_unit(&st);
    assert_eq!(by_unit.len(), 11);
    let tttt = by_unit.iter().find(|(u, _)| u.as_ref().is_some_and(|u| u.as_str() == "SO_TTTT")).unwrap().1;
    assert_eq!(tttt, DossierCounts { units: 1, dossiers: 2, approved: 2, pending: 0, returned: 0 });
    let by_state: Vec<(DossierState, usize)> = counts_by_state(&st).into_iter().map(|(k, c)| (k, c.dossiers)).collect();
    assert_eq!(by_state, [(DossierState::Approved, 5), (DossierState::Pending, 5), (DossierState::Returned, 2)]);
    let by_level: Vec<(Option<u8>, usize, usize)> =
        counts_by_level(&st).into_iter().map(|(k, c)| (k, c.dossiers, c.approved)).collect();
    assert_eq!(by_level, [(Some(1), 1, 0), (Some(2), 5, 2), (Some(3), 5, 3), (Some(4), 1, 0)]);
    // The parts add up to the whole.
    let sum: usize = by_unit.iter().map(|(_, c)| c.dossiers).sum();
    assert_eq!(sum, c.dossiers);
    assert_eq!(c.approved + c.pending + c.returned, c.dossiers);

    // At year end: HS08 approved, HS13 submitted.
    let c = dossier_counts(&standings(&reg, d(2023, 12, 31)));
    assert_eq!(c.sentence(), "12 đơn vị, 13 bộ hồ sơ: 6 đã phê duyệt, 5 chờ phê duyệt, 2 cần bổ sung");
    // Before anything was submitted: nothing.
    assert_eq!(dossier_counts(&standings(&reg, d(2023, 1, 1))), DossierCounts::default());
}

#[test]
fn the_sentence_writes_numbers_the_vietnamese_way() {
    use chiso_core::register::DossierCounts;
    let c = DossierCounts { units: 246, dossiers: 257, approved: 118, pending: 112, returned: 27 };
    assert_eq!(c.sentence(), "246 đơn vị, 257 bộ hồ sơ: 118 đã phê duyệt, 112 chờ phê duyệt, 27 cần bổ sung");
    let c = DossierCounts { units: 1246, dossiers: 12_570, approved: 11_800, pending: 500, returned: 270 };
    assert_eq!(c.sentence(), "1.246 đơn vị, 12.570 bộ hồ sơ: 11.800 đã phê duyệt, 500 chờ phê duyệt, 270 cần bổ sung");
}

#[test]
fn the_level_decides_who_approves() {
    use chiso_core::register::ApprovalAuthority;
    let reg = security();
    let auth = |code: &str| reg.systems.iter().find(|s| s.code.as_str() == code).unwrap().authority();
    assert_eq!(auth("HT_WEB_LV"), Some(ApprovalAuthority::OwnerAfterSecurityUnit));
    assert_eq!(auth("HT_QLVB"), Some(ApprovalAuthority::OwnerAfterSecurityUnit));
    assert_eq!(auth("HT_CAMERA"), Some(ApprovalAuthority::OwnerAfterMinistry));
    assert_eq!(ApprovalAuthority::for_level(5), Some(ApprovalAuthority::Government));
    assert_eq!(ApprovalAuthority::for_level(0), None);
    assert_eq!(ApprovalAuthority::for_level(6), None);
}

#[test]
fn security_register_problems_are_listed_with_their_places() {
    let mut reg = security();
    reg.systems[0].owner = Code::new("SO_KHONG_CO").unwrap();
    reg.systems[1].level = 6;
    reg.dossiers[2].system = Code::new("HT_KHONG_CO").unwrap();
    reg.dossiers[0].history[1].decision = None; // approved without a decision
    reg.dossiers[1].history[0].missing = None; // returned without what is missing
    reg.dossiers[1].history[1].date = d(2023, 3, 10); // before the return (20/3)
    let again = reg.dossiers[1].history[1].clone();
    reg.dossiers[4].history.push(again); // resubmitted after approval
    reg.dossiers.push(reg.dossiers[5].clone()); // HS06 twice
    let errs = reg.validate(&model()).unwrap_err().0;
    let places: Vec<&str> = errs.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "systems[HT_QLVB].owner",
            "systems[HT_DVC].level",
            "dossiers[HS01].history[1].decision",
            "dossiers[HS02].history[0].missing",
            "dossiers[HS02].history[1].date",
            "dossiers[HS03].system",
            "dossiers[HS05].history[1].date",
            "dossiers[HS05].history[1].status",
            "dossiers[HS06]",
        ],
        "{errs:?}"
    );
    assert!(errs[1].message.contains("cấp độ 6"), "{}", errs[1].message);
    assert!(errs[7].message.contains("Đã phê duyệt"), "{}", errs[7].message);
}

#[test]
fn registers_without_systems_stay_as_they_were() {
    let reg = tasks();
    let yaml = serde_yaml_ng::to_string(&reg).unwrap();
    assert!(!yaml.contains("systems") && !yaml.contains("dossiers"), "{yaml}");
    // And a register of systems only round-trips.
    let sec = security();
    let back: Registers = serde_yaml_ng::from_str(&serde_yaml_ng::to_string(&sec).unwrap()).unwrap();
    assert_eq!(back, sec);
    assert!(back.tasks.is_empty() && back.dossiers.len() == 13);
}

const INDICES: &str = r#"
indices:
  - code: DTI_2026
    name: Bộ chỉ số thử
    year: 2026
    points: 100
    nodes:
      - code: TRU_COT
        name: Trụ cột
        points: 100
        children:
          - code: CHINH
            name: Chỉ số chính
            points: 100
            children:
              - { code: DO, name: Đo, points: 60, scoring: { indicator: TL_DUNG_HAN, target: 100 } }
              - { code: CHAM, name: Chấm, points: 40, scoring: assessed }
assessments:
  - { index: DTI_2026, period: 2026, unit: SO_CT, component: CHAM, score: 0.75, evidence: Biên bản, by: SO_TTTT }
  - { index: DTI_2026, period: 2026, unit: SO_TP, component: CHAM, score: 1 }
"#;

#[test]
fn indices_and_assessments_are_checked_with_their_places() {
    use chiso_core::index::{UnitInputs, score};
    use chiso_core::period::Period;
    use chiso_core::register::add_assessments;
    let reg: Registers = serde_yaml_ng::from_str(INDICES).unwrap_or_else(|e| panic!("{e}"));
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reg.index_of_year(2026).unwrap().code.as_str(), "DTI_2026");
    // The assessments feed the scorer: 0,6 × 60 + 0,75 × 40 = 66 points.
    let pe = Period::year(2026).unwrap();
    let mut inputs = BTreeMap::from([
        (Code::new("SO_CT").unwrap(), UnitInputs::default().indicator("TL_DUNG_HAN", 60.0)),
        (Code::new("SO_TP").unwrap(), UnitInputs::default()),
    ]);
    add_assessments(&mut inputs, &reg.assessments, &reg.indices[0].code, &pe);
    let s = score(&reg.indices[0], &inputs).unwrap();
    assert!((s[0].total.points - 66.0).abs() < 1e-9, "{:?}", s[0]);
    assert!((s[1].total.points - 40.0).abs() < 1e-9, "{:?}", s[1]);
    // Round trip, and the empty lists stay out of files.
    let text = serde_yaml_ng::to_string(&reg).unwrap();
    assert_eq!(serde_yaml_ng::from_str::<Registers>(&text).unwrap(), reg);
    assert!(!serde_yaml_ng::to_string(&Registers::default()).unwrap().contains("indices"));
    // Bad references and scores, each with its place.
    let bad = INDICES
        .replace("unit: SO_CT, component: CHAM, score: 0.75", "unit: SO_KHONG, component: DO, score: 1.5")
        .replace(
            "index: DTI_2026, period: 2026, unit: SO_TP, component: CHAM",
            "index: DTI_2099, period: 2026, unit: SO_TP, component: CHAM",
        );
    let reg: Registers = serde_yaml_ng::from_str(&bad).unwrap();
    let errs = reg.validate(&model()).unwrap_err().0;
    let places: Vec<&str> = errs.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "assessments[DTI_2026|2026|SO_KHONG|DO].component",
            "assessments[DTI_2026|2026|SO_KHONG|DO].unit",
            "assessments[DTI_2026|2026|SO_KHONG|DO].score",
            "assessments[DTI_2099|2026|SO_TP|CHAM].index",
        ],
        "{errs:?}"
    );
    // A bad index definition is named under indices[...].
    let broken = INDICES.replace("points: 60,", "points: 70,");
    let reg: Registers = serde_yaml_ng::from_str(&broken).unwrap();
    let errs = reg.validate(&model()).unwrap_err().0;
    assert!(errs.iter().all(|e| e.place.starts_with("indices[DTI_2026]")), "{errs:?}");
    // Sources must be in the metadata: an unknown indicator, an unknown element, an option the element does not have.
    for (source, message) in [
        ("{ indicator: TL_KHONG_CO, target: 100 }", "chỉ tiêu tính toán TL_KHONG_CO không tồn tại"),
        ("{ element: HS_KHONG_CO, min_max: true }", "chỉ tiêu dữ liệu HS_KHONG_CO không tồn tại"),
        (
            "{ element: HS_TIEP_NHAN.KHONG_CO, min_max: true }",
            "chỉ tiêu dữ liệu HS_TIEP_NHAN không có phân tổ KHONG_CO",
        ),
    ] {
        let unknown = INDICES.replace("{ indicator: TL_DUNG_HAN, target: 100 }", source);
        let reg: Registers = serde_yaml_ng::from_str(&unknown).unwrap();
        let errs = reg.validate(&model()).unwrap_err().0;
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.place.as_str(), e.message.as_str())).collect();
        assert_eq!(got, [("indices[DTI_2026].nodes[DO].scoring", message)], "{source}");
    }
    // An element with an option it has is fine.
    let option = INDICES
        .replace("{ indicator: TL_DUNG_HAN, target: 100 }", "{ element: HS_TIEP_NHAN.TRUC_TUYEN, min_max: true }");
    let reg: Registers = serde_yaml_ng::from_str(&option).unwrap();
    reg.validate(&model()).unwrap_or_else(|e| panic!("{e}"));
}
