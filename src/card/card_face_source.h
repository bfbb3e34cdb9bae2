// Where a card face's contents come from: the person as the register holds them now, and the photo
// and signature of their newest enrollment that has them.
#pragma once

#include "card/card_face.h"
#include "store/database.h"

namespace ektp::card {

// kNotFound for an unknown NIK; kFailedPrecondition when no enrollment has a photo and signature.
Result<CardFace> card_face_for(store::Connection& db, const RegionDirectory& regions, std::string_view nik,
                               CivilDate issued);

}  // namespace ektp::card
