#pragma once
// RAII for libcurl's handles, shared by everything that talks HTTP through libcurl.
// Thread: a handle belongs to one thread at a time.

#include <curl/curl.h>

#include <cstdio>
#include <memory>

namespace bgm {

struct CurlEasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlMimeFree {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyFree>;
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistFree>;
using CurlMime = std::unique_ptr<curl_mime, CurlMimeFree>;
using CurlUrl = std::unique_ptr<CURLU, CurlUrlFree>;
using OpenFile = std::unique_ptr<FILE, FileClose>;

}  // namespace bgm
