// Bulk matching over HTTP on SQLite and PostgreSQL, as BPJS Kesehatan uses it with its API key:
// a job created for a file named by size and SHA-256, the file uploaded in pieces (a piece sent
// again at the wrong offset is refused and names the right one), queued once the digest and
// header check out, run by the worker, read back with its progress, summary and result, in whole
// and in pieces; each step audited. Refused, changing nothing: no key, an agency whose agreement
// lacks bulk_match, another purpose, a file over the size limit, the same file twice, another
// agency's job (404, as for no job), a result before the job is done, a piece past the stated
// size, unknown fields, a file whose digest differs, a column the agreement does not let the
// agency verify, a file without row_id.
#include "api/bulk_match_routes.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "access/sha256.h"
#include "bulk_matching/bulk_job_files.h"
#include "bulk_matching/bulk_job_worker.h"
#include "support/route_fixture.h"

namespace ektp::test {
namespace {

using boost::json::object;
namespace fs = std::filesystem;

constexpr std::string_view kPurpose = "pemadanan data peserta JKN";

class BulkMatchRoutesTest : public RouteTest {
 protected:
  void SetUp() override {
    RouteTest::SetUp();
    if (IsSkipped()) return;
    load_demo_regency(300);
    agency::Agreement pks;
    pks.number = "440/1/PKS/2026";
    pks.purposes = {std::string(kPurpose)};
    pks.verify_fields = {"nik", "name", "birth_date", "sex"};
    pks.retrieve_fields = {"nik"};
    pks.operations = {agency::AgencyOperation::kVerify, agency::AgencyOperation::kRetrieve,
                      agency::AgencyOperation::kBulkMatch};
    pks.regions = {"3327"};
    pks.daily_quota = 100'000;
    bpjs_key = register_agency("bpjs-kesehatan", "BPJS Kesehatan", agency::AgencyKind::kHealthInsurance, pks).secret;
    pks.number = "440/2/PKS/2026";
    pks.retrieve_fields.clear();
    pks.operations = {agency::AgencyOperation::kVerify};
    bank_key = register_agency("bank-jateng", "Bank Jateng", agency::AgencyKind::kBank, pks).secret;
    pks.number = "440/3/PKS/2026";
    pks.operations = {agency::AgencyOperation::kBulkMatch};
    other_key = register_agency("bpjs-tk", "BPJS Ketenagakerjaan", agency::AgencyKind::kHealthInsurance, pks).secret;
    dir = fs::temp_directory_path() / fmt::format("ektp-bulk-routes-{}-{}", ::getpid(), counter++);
    auto opened = bulk::BulkJobFiles::open(dir);
    ASSERT_OK(opened);
    files.emplace(std::move(*opened));
    worker = std::make_unique<bulk::BulkJobWorker>(db(), RegionDirectory::builtin(), *files,
                                                   [this] { return now_ms(); });
    services->bulk_files = &*files;
    services->bulk_worker = worker.get();
    services->bulk_file_bytes_max = 1 << 20;
    api::add_bulk_match_routes(router, *services);
  }
  void TearDown() override {
    worker.reset();
    std::error_code ignored;
    if (!dir.empty()) fs::remove_all(dir, ignored);
    RouteTest::TearDown();
  }

  // BPJS's members: 30 residents of the register by NIK, name and birth date, and one stranger.
  std::string members_file(const std::string& header = "row_id,nik,name,birth_date") {
    auto conn = db().connect();
    auto rows = (*conn)->execute("SELECT nik, name, birth_date FROM persons WHERE alive = 1 ORDER BY nik LIMIT 30");
    EXPECT_OK(rows);
    std::string csv = header + "\n";
    int i = 0;
    for (const auto& r : rows->rows) csv += fmt::format("M{:03},{},{},{}\n", i++, r.text(0), r.text(1), r.text(2));
    csv += "M999,,BAMBANG QWERTYUIOP,1977-03-02\n";
    return csv;
  }

  HttpResponse create(const std::string& key, const std::string& file, std::string extra = "") {
    return agency_call("POST", "/api/v1/agency/bulk-matches", key,
                       fmt::format(R"({{"purpose":"{}","size_bytes":{},"sha256":"{}","file_name":"peserta.csv"{}}})",
                                   kPurpose, file.size(), access::sha256_hex(file), extra));
  }
  HttpResponse put(const std::string& key, const std::string& id, std::uint64_t offset, std::string piece) {
    return agency_call("PUT", fmt::format("/api/v1/agency/bulk-matches/{}/file?offset={}", id, offset), key,
                       std::move(piece));
  }
  // Creates and uploads `file` in pieces of `piece` bytes: the last answer.
  HttpResponse submit(const std::string& key, const std::string& file, std::size_t piece = 200) {
    auto made = create(key, file);
    if (made.status != 201) return made;
    const std::string id(json(made).at("id").as_string());
    HttpResponse last;
    for (std::size_t at = 0; at < file.size(); at += piece) {
      last = put(key, id, at, file.substr(at, piece));
      if (last.status != 200) return last;
    }
    return last;
  }
  static object json(const HttpResponse& r) { return boost::json::parse(r.body).as_object(); }
  static std::string reason(const HttpResponse& r) {
    return std::string(json(r).at("error").as_object().at("reason").as_string());
  }

  static inline int counter = 0;
  fs::path dir;
  std::optional<bulk::BulkJobFiles> files;
  std::unique_ptr<bulk::BulkJobWorker> worker;
  std::string bpjs_key, bank_key, other_key;
};

TEST_P(BulkMatchRoutesTest, AnAgencyUploadsInPiecesAndReadsItsResult) {
  const std::string file = members_file();
  auto made = create(bpjs_key, file);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id(json(made).at("id").as_string());
  EXPECT_EQ(json(made).at("state").as_string(), "uploading");
  EXPECT_EQ(json(made).at("upload").as_object().at("next_offset").as_int64(), 0);
  ASSERT_EQ(put(bpjs_key, id, 0, file.substr(0, 500)).status, 200);
  // The same piece again (its answer was lost): refused, naming where to go on from.
  auto again = put(bpjs_key, id, 0, file.substr(0, 500));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(reason(again), "bulk_upload_offset_mismatch");
  EXPECT_NE(again.body.find("offset 500"), std::string::npos) << again.body;
  auto half = agency_call("GET", "/api/v1/agency/bulk-matches/" + id, bpjs_key);
  EXPECT_EQ(json(half).at("received_bytes").as_int64(), 500);
  auto last = put(bpjs_key, id, 500, file.substr(500));
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(json(last).at("state").as_string(), "queued");
  auto early = agency_call("GET", "/api/v1/agency/bulk-matches/" + id + "/result", bpjs_key);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(reason(early), "bulk_job_not_done");

  ASSERT_OK(worker->run_job(id));
  auto done = agency_call("GET", "/api/v1/agency/bulk-matches/" + id, bpjs_key);
  ASSERT_EQ(done.status, 200) << done.body;
  const auto job = json(done);
  EXPECT_EQ(job.at("state").as_string(), "done");
  EXPECT_EQ(job.at("rows_done").as_int64(), 31);
  EXPECT_EQ(job.at("results").as_object().at("match").as_int64(), 30);
  EXPECT_EQ(job.at("results").as_object().at("not_found").as_int64(), 1);
  EXPECT_EQ(job.at("summary").as_object().at("rows").as_int64(), 31);
  const auto result_bytes = job.at("result_bytes").as_int64();
  auto result = agency_call("GET", "/api/v1/agency/bulk-matches/" + id + "/result", bpjs_key);
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(static_cast<std::int64_t>(result.body.size()), result_bytes);
  EXPECT_EQ(result.body.rfind("row_id,result,nik_verdict,name_verdict,birth_date_verdict", 0), 0u) << result.body;
  EXPECT_NE(result.body.find("\r\nM999,not_found,"), std::string::npos);
  EXPECT_EQ(std::count(result.body.begin(), result.body.end(), '\n'), 32);
  auto piece = agency_call("GET", "/api/v1/agency/bulk-matches/" + id + "/result?offset=10", bpjs_key);
  EXPECT_EQ(piece.body, result.body.substr(10));
  auto listed = agency_call("GET", "/api/v1/agency/bulk-matches", bpjs_key);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json(listed).at("jobs").as_array().size(), 1u);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.bulk_match_created"), 1);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.bulk_match_queued"), 1);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.bulk_result_read"), 2);
  EXPECT_EQ(audited("agency:bpjs-kesehatan", "agency.bulk_match"), 1);  // the one chunk's reads
}

TEST_P(BulkMatchRoutesTest, CallersAndFilesOutsideTheAgreementAreRefused) {
  const std::string file = members_file();
  auto nobody = agency_call("POST", "/api/v1/agency/bulk-matches", "", "{}");
  EXPECT_EQ(nobody.status, 401);
  auto bank = create(bank_key, file);
  EXPECT_EQ(bank.status, 403);
  EXPECT_EQ(reason(bank), "agency_operation_not_agreed");
  auto purpose = agency_call("POST", "/api/v1/agency/bulk-matches", bpjs_key,
                             R"({"purpose":"pemasaran","size_bytes":10,"sha256":")" + std::string(64, 'a') + "\"}");
  EXPECT_EQ(purpose.status, 403);
  EXPECT_EQ(reason(purpose), "agency_purpose_not_agreed");
  auto huge = agency_call("POST", "/api/v1/agency/bulk-matches", bpjs_key,
                          fmt::format(R"({{"purpose":"{}","size_bytes":107374182400,"sha256":"{}"}})", kPurpose,
                                      std::string(64, 'a')));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(reason(huge), "bulk_file_too_large");
  auto unknown = create(bpjs_key, file, R"(,"callback":"x")");
  EXPECT_EQ(unknown.status, 400);

  auto first = submit(bpjs_key, file);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string id(json(first).at("id").as_string());
  auto twice = create(bpjs_key, file);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(reason(twice), "bulk_file_already_submitted");
  EXPECT_NE(twice.body.find(id), std::string::npos);
  auto theirs = agency_call("GET", "/api/v1/agency/bulk-matches/" + id, other_key);
  auto none = agency_call("GET", "/api/v1/agency/bulk-matches/pm_000000000000000000000000", other_key);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.body, none.body);
  EXPECT_EQ(agency_call("GET", "/api/v1/agency/bulk-matches/" + id + "/result", other_key).status, 404);

  // A piece past the size the agency stated.
  const std::string short_file = "row_id,nik\nA1,3327010101900001\n";
  auto made = create(other_key, short_file);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string short_id(json(made).at("id").as_string());
  auto over = put(other_key, short_id, 0, short_file + "A2,3327010101900002\n");
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(reason(over), "bulk_upload_over_size");

  // The bytes received are not the file stated: refused at the last piece, the job failed.
  std::string altered = members_file("row_id,nik,name,birth_date");
  auto wrong = agency_call("POST", "/api/v1/agency/bulk-matches", other_key,
                           fmt::format(R"({{"purpose":"{}","size_bytes":{},"sha256":"{}"}})", kPurpose, altered.size(),
                                       access::sha256_hex(altered + "x")));
  ASSERT_EQ(wrong.status, 201);
  const std::string wrong_id(json(wrong).at("id").as_string());
  auto mismatch = put(other_key, wrong_id, 0, altered);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(reason(mismatch), "bulk_upload_digest_mismatch");
  auto failed = agency_call("GET", "/api/v1/agency/bulk-matches/" + wrong_id, other_key);
  EXPECT_EQ(json(failed).at("state").as_string(), "failed");
  EXPECT_FALSE(fs::exists(files->input_path(wrong_id)));

  // A column the agreement does not let the agency verify; a file without row_id.
  auto mother = submit(other_key, members_file("row_id,nik,name,mother_name"));
  EXPECT_EQ(mother.status, 403);
  EXPECT_EQ(reason(mother), "agency_field_not_agreed");
  auto no_row_id = submit(other_key, members_file("id,nik,name,birth_date"));
  EXPECT_EQ(no_row_id.status, 400) << no_row_id.body;
  EXPECT_EQ(audited("agency:bpjs-tk", "agency.bulk_match_refused"), 3);
  EXPECT_EQ(audited("agency:bpjs-tk", "agency.bulk_match_queued"), 0);
}

EKTP_INSTANTIATE_FOR_BACKENDS(BulkMatchRoutesTest);

}  // namespace
}  // namespace ektp::test
