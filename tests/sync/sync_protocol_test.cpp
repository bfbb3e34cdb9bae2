#include "sync/sync_protocol.h"

#include <gtest/gtest.h>

#include "support/test_support.h"
#include "sync/signing.h"

namespace ektp::sync {
namespace {

Receipt signed_receipt(const KeyPair& key) {
  Receipt r{"st-1", 7, "st-1/abc", "ff00", "applied", "", 1'795'400'000'000, ""};
  r.signature = *sign_hex(key.secret_key_hex, receipt_signing_text(r));
  return r;
}

TEST(Signing, SignaturesVerifyOnlyForTheSameKeyAndText) {
  auto a = generate_key_pair();
  auto b = generate_key_pair();
  EXPECT_EQ(a.public_key_hex.size(), 64u);
  EXPECT_EQ(a.secret_key_hex.size(), 128u);
  auto sig = sign_hex(a.secret_key_hex, "hello");
  ASSERT_OK(sig);
  EXPECT_TRUE(verify_hex(a.public_key_hex, "hello", *sig));
  EXPECT_FALSE(verify_hex(a.public_key_hex, "hellO", *sig));
  EXPECT_FALSE(verify_hex(b.public_key_hex, "hello", *sig));
  EXPECT_FALSE(verify_hex(a.public_key_hex, "hello", "zz"));
  EXPECT_FALSE(verify_hex("not hex", "hello", *sig));
  EXPECT_ERROR(sign_hex("abcd", "x"), ErrorCode::kInvalidArgument, "secret key");
  EXPECT_NE(random_uuid(), random_uuid());
  EXPECT_EQ(random_uuid().size(), 36u);
  EXPECT_EQ(random_uuid()[14], '4');
}

TEST(Receipts, RoundTripThroughJsonAndVerify) {
  auto key = generate_key_pair();
  Receipt r = signed_receipt(key);
  auto back = receipt_from_json(receipt_to_json(r));
  ASSERT_OK(back);
  EXPECT_EQ(back->seq, 7);
  EXPECT_EQ(back->item_key, "st-1/abc");
  EXPECT_TRUE(verify_receipt(*back, key.public_key_hex));
  Receipt forged = *back;
  forged.outcome = "rejected";
  EXPECT_FALSE(verify_receipt(forged, key.public_key_hex));
  forged = *back;
  forged.seq = 8;
  EXPECT_FALSE(verify_receipt(forged, key.public_key_hex));
  EXPECT_ERROR(receipt_from_json("{\"seq\":1}"), ErrorCode::kInvalidArgument, "station_id");
  EXPECT_ERROR(receipt_from_json("[1,2"), ErrorCode::kInvalidArgument, "receipt");
}

TEST(UploadRequests, CheckOrderHashesAndFields) {
  OutboxItem item{1, "st-1/a", "enrollment", "3327015508900001", "{\"x\":1}", "", 5};
  item.item_sha256 = item_hash(item.kind, item.item_key, item.payload);
  OutboxItem next = item;
  next.seq = 2;
  next.item_key = "st-1/b";
  next.item_sha256 = item_hash(next.kind, next.item_key, next.payload);
  UploadRequest request{"st-1", {item, next}};
  auto back = upload_request_from_json(upload_request_to_json(request));
  ASSERT_OK(back);
  ASSERT_EQ(back->items.size(), 2u);
  EXPECT_EQ(back->items[1].payload, "{\"x\":1}");

  UploadRequest gap{"st-1", {item, next}};
  gap.items[1].seq = 3;
  EXPECT_ERROR(upload_request_from_json(upload_request_to_json(gap)), ErrorCode::kInvalidArgument, "does not follow");
  UploadRequest tampered{"st-1", {item}};
  tampered.items[0].payload = "{\"x\":2}";
  EXPECT_ERROR(upload_request_from_json(upload_request_to_json(tampered)), ErrorCode::kDataLoss, "sha256");
  EXPECT_ERROR(upload_request_from_json("{\"station_id\":\"st-1\",\"items\":[]}"), ErrorCode::kInvalidArgument,
               "at least one");
  EXPECT_ERROR(upload_request_from_json("{\"station_id\":\"st-1\",\"items\":[],\"extra\":1}"),
               ErrorCode::kInvalidArgument, "extra");
  std::string deep(5000, '[');
  EXPECT_ERROR(upload_request_from_json(deep), ErrorCode::kInvalidArgument, "upload");
}

TEST(RequestSigning, TextCoversEveryPart) {
  auto base = request_signing_text("POST", "/api/v1/sync/upload", "st-1", 5, "aa");
  EXPECT_NE(base, request_signing_text("GET", "/api/v1/sync/upload", "st-1", 5, "aa"));
  EXPECT_NE(base, request_signing_text("POST", "/api/v1/sync/uploaD", "st-1", 5, "aa"));
  EXPECT_NE(base, request_signing_text("POST", "/api/v1/sync/upload", "st-2", 5, "aa"));
  EXPECT_NE(base, request_signing_text("POST", "/api/v1/sync/upload", "st-1", 6, "aa"));
  EXPECT_NE(base, request_signing_text("POST", "/api/v1/sync/upload", "st-1", 5, "ab"));
}

}  // namespace
}  // namespace ektp::sync
