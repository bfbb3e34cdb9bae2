// Central's e-KTP chip routes (docs/api.md, "Chip"): the public ones any verifier needs to check
// a chip on its own — the CSCA certificates (PEM) for its trusted list and the newest signed
// revocation list exactly as issued — and POST /api/v1/chip/verify, for an agency's reader
// without the engine: it sends the data groups and EF.SOD it read, central runs Passive
// Authentication with its own CSCA list and checks the chip serial against its newest revocation
// list (verified with the CSCA first), and answers verdicts only, never biodata. Each verification
// is audited `chip.verify` (subject the chip serial, or "unknown").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/api_services.h"
#include "core/role.h"

namespace ektp::api {

// The stable reasons of the chip routes' refusals (web/js/api.js has their Indonesian text).
namespace chip_reason {
inline constexpr std::string_view kNoCsca = "chip_no_csca";                        // 404 / 409
inline constexpr std::string_view kNoRevocationList = "chip_no_revocation_list";   // 404
inline constexpr std::string_view kRevocationListInvalid = "chip_revocation_list_invalid";  // 500
inline constexpr std::string_view kVerifyRate = "chip_verify_rate";                // 429
inline constexpr std::string_view kBodyTooLarge = "chip_body_too_large";           // 413
inline constexpr std::string_view kBodyInvalid = "chip_body_invalid";              // 400 …
inline constexpr std::string_view kGroupsRequired = "chip_groups_required";
inline constexpr std::string_view kGroupCount = "chip_group_count";
inline constexpr std::string_view kGroupNumber = "chip_group_number";
inline constexpr std::string_view kGroupBase64 = "chip_group_base64";
inline constexpr std::string_view kGroupTooLarge = "chip_group_too_large";
inline constexpr std::string_view kEfSodRequired = "chip_ef_sod_required";
inline constexpr std::string_view kEfSodBase64 = "chip_ef_sod_base64";
inline constexpr std::string_view kEfSodTooLarge = "chip_ef_sod_too_large";
inline constexpr std::string_view kChipSerialFormat = "chip_serial_format";
}  // namespace chip_reason

// The limits of POST /api/v1/chip/verify.
inline constexpr std::size_t kChipVerifyBodyBytesMax = 256u << 10;
inline constexpr std::size_t kChipVerifyGroupsMax = 16;
inline constexpr int kChipGroupNumberMax = 16;
inline constexpr std::size_t kChipGroupBytesMax = 32'767;
inline constexpr std::size_t kChipEfSodBytesMax = 16u << 10;

// Who may have central verify a chip: the staff who check identities (operators, supervisors,
// admins) and agencies' readers. Adjudicators decide fingerprints, residents read their own.
bool can_verify_chips(Role role);

struct ChipRouteOptions {
  // Verifications per signed-in user (each costs two ECDSA checks and up to 16 hashes), on top
  // of the server's limit per client address.
  std::uint32_t verifications_per_s = 5;
  std::uint32_t verification_burst = 30;
};

void add_chip_routes(class Router& router, ApiServices& services, ChipRouteOptions options = {});

}  // namespace ektp::api
