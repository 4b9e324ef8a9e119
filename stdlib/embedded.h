// The table of embedded files that the generated stdlib_embedded.cpp defines
// (stdlib/embed.cmake). Private to stdlib/: use stdlib/stdlib.h.
#pragma once

#include <cstddef>

namespace wdsl::stdlib::internal {

struct EmbeddedFile {
  const char* name;           // file name without directory: "cloud.w"
  const unsigned char* data;  // the file's bytes, followed by a NUL
  std::size_t size;           // without the NUL
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace wdsl::stdlib::internal
