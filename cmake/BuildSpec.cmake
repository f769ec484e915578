# Reads buildspec.json, the one source of the project's name and version.
file(READ "${CMAKE_CURRENT_LIST_DIR}/../buildspec.json" _obs_bgm_buildspec)
foreach(_key name displayName version author website email)
  string(JSON _value GET "${_obs_bgm_buildspec}" ${_key})
  string(TOUPPER "${_key}" _upper)
  set(OBS_BGM_${_upper} "${_value}")
endforeach()
