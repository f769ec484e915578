# embed_text_file(<target> <input> <symbol>): compiles <input> into <target> as
# `extern const char* const <symbol>` (a NUL-terminated string), regenerated when the file changes.
function(embed_text_file target input symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${out} -DSYMBOL=${symbol}
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedTextScript.cmake"
    DEPENDS "${input}" "${PROJECT_SOURCE_DIR}/cmake/EmbedTextScript.cmake"
    COMMENT "Embedding ${input}")
  target_sources(${target} PRIVATE "${out}")
endfunction()
