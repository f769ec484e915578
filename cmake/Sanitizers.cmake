# Sanitizer and fuzzing builds (scripts/check-reliability.sh runs them in CI):
#   -DOBS_BGM_SANITIZE=address,undefined   ASan + UBSan on every target; any report aborts the test
#   -DOBS_BGM_SANITIZE=thread              TSan (the threaded tests)
#   -DOBS_BGM_FUZZ=ON                      clang only: code instrumented for libFuzzer, targets in tests/fuzz
if(OBS_BGM_SANITIZE)
  message(STATUS "obs-bgm: sanitizers ${OBS_BGM_SANITIZE}")
  add_compile_options(-fsanitize=${OBS_BGM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${OBS_BGM_SANITIZE})
endif()
if(OBS_BGM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "OBS_BGM_FUZZ needs clang (libFuzzer): configure with CC=clang-N CXX=clang++-N (14 on Debian 12, 19 on Debian 13)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
