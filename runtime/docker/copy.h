// Copying files into running containers (live update, issue #8) through the
// engine's archive API (`docker cp - <container>:<dir>`): the files travel
// as a tar stream written here, so images with no shell and no `tar` (FROM
// scratch) take them too, and each file lands owned by the image's user.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/docker/docker.h"

namespace wdsl::docker {

// A file to copy: where it is on the host, and its path below the
// destination directory ('/'-separated, no `..`).
struct CopyFile {
  std::filesystem::path host;
  std::string relative;
};

struct UserIds {
  int uid = 0;
  int gid = 0;
};

// A POSIX (ustar) archive of `files`, their parent directories first, all
// owned by `owner`, with the host files' modes and times. "" and `error` set
// when a file cannot be read or a path does not fit the format.
auto TarArchive(const std::vector<CopyFile>& files, UserIds owner, std::string& error) -> std::string;

// The numeric user the container's processes run as: its image's `USER`
// (numbers as they are; a name looked up in the container's /etc/passwd and
// /etc/group, read through the archive API); 0:0 when the image sets none or
// a name cannot be found.
auto ContainerUser(Runner& runner, const std::string& container) -> UserIds;

// Copies `files` into `dest_dir` of `container`, making missing directories.
// "" or what went wrong.
auto CopyIntoContainer(Runner& runner, const std::string& container, const std::string& dest_dir,
                       const std::vector<CopyFile>& files, UserIds owner) -> std::string;

// The content of the first file of a tar stream (what `docker cp
// <container>:<file> -` prints), or nullopt-like "" with `found` false.
auto FirstTarMember(std::string_view tar, bool& found) -> std::string;

}  // namespace wdsl::docker
