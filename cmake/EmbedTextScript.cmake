# Script mode: writes INPUT as a C++ string constant SYMBOL into OUTPUT (hex bytes, so any content is safe).
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT}; do not edit.\n"
  "namespace { const unsigned char kData[] = {${bytes} 0x00}; }\n"
  "extern const char* const ${SYMBOL};\n"
  "const char* const ${SYMBOL} = reinterpret_cast<const char*>(kData);\n")
