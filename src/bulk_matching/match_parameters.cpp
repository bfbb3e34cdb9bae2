// The calibrated Fellegi–Sunter parameters of bulk matching (match_parameters.h).
#include "bulk_matching/match_parameters.h"

namespace ektp::bulk {

const MatchParameters& default_match_parameters() {
  static const MatchParameters parameters;
  return parameters;
}

namespace {

template <std::size_t N>
std::array<double, N> weights_of(const std::array<LevelProbability, N>& levels) {
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = levels[i].weight();
  return out;
}

template <std::size_t N>
double highest(const std::array<double, N>& weights) {
  double best = weights[0];
  for (double w : weights) best = w > best ? w : best;
  return best;
}

}  // namespace

ModelWeights model_weights(const MatchParameters& p) {
  ModelWeights w;
  w.name = weights_of(p.name);
  w.birth_date = weights_of(p.birth_date);
  w.sex = weights_of(p.sex);
  w.birth_place = weights_of(p.birth_place);
  w.mother = weights_of(p.mother);
  w.village = weights_of(p.village);
  w.log2_u_exact_name = std::log2(p.name[0].u);
  w.name_best = highest(w.name) + p.tf_cap_bits;
  w.mother_best = highest(w.mother);
  w.place_best = highest(w.birth_place);
  return w;
}

}  // namespace ektp::bulk
