// Splitting text into its space-separated words (normalised names, keys): the one loop the name
// matcher, the bulk matcher's keys and its fault generator share. Runs of spaces count as one;
// leading and trailing spaces give no empty word. Pure; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ektp {

// Calls fn(word, offset of the word in text) for each word, in order.
template <class Fn>
void for_each_word(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(text.find(' ', i), text.size());
    fn(text.substr(i, end - i), i);
    i = end;
  }
}

inline std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  for_each_word(text, [&words](std::string_view word, std::size_t) { words.emplace_back(word); });
  return words;
}

}  // namespace ektp
