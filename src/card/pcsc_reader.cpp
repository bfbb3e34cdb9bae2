#include "card/pcsc_reader.h"

#include <winscard.h>

#include <fmt/format.h>

namespace ektp::card {

namespace {

std::unexpected<Error> pcsc_error(std::string_view what, LONG rv) {
  return make_error(rv == SCARD_E_NO_SERVICE ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition,
                    fmt::format("{}: {}", what, pcsc_stringify_error(rv)));
}

Result<std::vector<std::string>> list_readers(SCARDCONTEXT context) {
  DWORD size = 0;
  LONG rv = SCardListReaders(context, nullptr, nullptr, &size);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
  if (rv != SCARD_S_SUCCESS) return pcsc_error("listing readers", rv);
  std::string names(size, '\0');
  rv = SCardListReaders(context, nullptr, names.data(), &size);
  if (rv != SCARD_S_SUCCESS) return pcsc_error("listing readers", rv);
  std::vector<std::string> out;
  for (std::size_t at = 0; at < names.size() && names[at] != '\0';) {
    const std::size_t end = names.find('\0', at);
    out.push_back(names.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> PcscCard::readers() {
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return pcsc_error("connecting to pcscd", rv);
  auto out = list_readers(context);
  SCardReleaseContext(context);
  return out;
}

Result<std::unique_ptr<PcscCard>> PcscCard::connect(const std::string& reader) {
  std::unique_ptr<PcscCard> card(new PcscCard());
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return pcsc_error("connecting to pcscd", rv);
  card->context_ = static_cast<std::intptr_t>(context);
  EKTP_ASSIGN_OR_RETURN(auto names, list_readers(context));
  std::vector<std::string> candidates;
  if (!reader.empty()) candidates.push_back(reader); else candidates = names;
  for (const auto& name : candidates) {
    SCARDHANDLE handle = 0;
    DWORD protocol = 0;
    rv = SCardConnect(context, name.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &handle,
                      &protocol);
    if (rv == SCARD_S_SUCCESS) {
      card->card_ = static_cast<std::intptr_t>(handle);
      card->protocol_ = protocol;
      card->reader_ = name;
      return card;
    }
  }
  return not_found(reader.empty() ? std::string("no reader holds a card")
                                  : fmt::format("no card in reader '{}'", reader));
}

PcscCard::~PcscCard() {
  if (card_ != 0) SCardDisconnect(static_cast<SCARDHANDLE>(card_), SCARD_LEAVE_CARD);
  if (context_ != 0) SCardReleaseContext(static_cast<SCARDCONTEXT>(context_));
}

Result<std::vector<std::uint8_t>> PcscCard::transmit(std::span<const std::uint8_t> apdu) {
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  std::vector<std::uint8_t> response(258 + 16);
  DWORD length = static_cast<DWORD>(response.size());
  const LONG rv = SCardTransmit(static_cast<SCARDHANDLE>(card_), pci, apdu.data(), static_cast<DWORD>(apdu.size()),
                                nullptr, response.data(), &length);
  if (rv != SCARD_S_SUCCESS) return pcsc_error("transmitting to the card", rv);
  response.resize(length);
  if (response.size() < 2) return make_error(ErrorCode::kDataLoss, "the card answered without a status word");
  return response;
}

}  // namespace ektp::card
