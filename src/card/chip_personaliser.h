// The factory's and the issuer's side of an e-KTP chip's life before it is an LDS1 card: the
// blank card a factory makes (its serial and K_perso, nothing else), and personalising it through
// the 0x80 commands of chip_card.h — reading the serial, authenticating with K_perso (which the
// issuer's HSM derives from its master key, chip_keys.h), writing the MRZ, the terminal key and
// every file, and locking it. Through a Transmit like ChipReader's: an in-process card or PC/SC.
#pragma once

#include "card/chip_card.h"

namespace ektp::card {

// The blank card as it leaves the factory: `serial` and `k_perso`; not locked, nothing else.
ChipContents manufacture_blank_card(const ChipSerial& serial, const Key32& k_perso);

// Personalises the blank card behind `transmit` with the MRZ, terminal key, files and terminal-only
// marks of `contents` (its serial, perso key and state fields are not used): GET UID, K_perso =
// perso_key_of(serial), GET CHALLENGE, issuer EXTERNAL AUTHENTICATE, PUT DATA of the MRZ and of
// K_term, CREATE FILE and UPDATE BINARY (blocks of at most 224 bytes) for every file, LOCK.
// Answers the card's serial. kInvalidArgument for contents without an MRZ or terminal key, or with
// an empty file or one over 32767 bytes; kUnauthenticated (reason issuer_auth_refused) when the
// card refuses K_perso; kPermissionDenied (issuer_auth_blocked) for a card blocked after three
// wrong tries; kFailedPrecondition (card_not_blank) for a card already personalised, and naming
// the step and status word for any other refusal; the error of perso_key_of or transmit as is.
Result<ChipSerial> personalise(const ChipReader::Transmit& transmit, const ChipKeyOf& perso_key_of,
                               const ChipContents& contents);

}  // namespace ektp::card
