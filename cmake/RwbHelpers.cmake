# Shared build settings: one INTERFACE target carries warnings, definitions and sanitizers,
# so every library, app and test links it and gets the same flags.
add_library(rwb_settings INTERFACE)
target_compile_options(rwb_settings INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(rwb_settings INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_USE_QSTRINGBUILDER QT_NO_FOREACH
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT)
if(RWB_SANITIZE)
    string(REPLACE ";" "," _rwb_san "${RWB_SANITIZE}")
    target_compile_options(rwb_settings INTERFACE -fsanitize=${_rwb_san} -fno-omit-frame-pointer
        -fno-sanitize-recover=all)
    target_link_options(rwb_settings INTERFACE -fsanitize=${_rwb_san})
endif()

# rwb_add_core_library(NAME SOURCES... [LINK libs...]): one static library per core/ folder.
function(rwb_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC rwb_settings ${ARG_LINK})
endfunction()

# rwb_add_test(NAME SOURCES... [LINK libs...] [GUI] [LABELS l...]): one QtTest executable, registered
# with CTest. GUI tests run on the offscreen platform. Label "tsan" marks tests that are meaningful
# under ThreadSanitizer (they use plain std::thread, not Qt's threads).
function(rwb_add_test name)
    cmake_parse_arguments(ARG "GUI" "TIMEOUT" "SOURCES;LINK;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE rwb_settings Qt6::Test ${ARG_LINK})
    add_test(NAME ${name} COMMAND ${name})
    # XDG_CACHE_HOME: log index caches of tests stay in the build tree.
    set(_env "QT_QPA_PLATFORM=offscreen" "XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/test-cache")
    set(_timeout 120)
    if(ARG_TIMEOUT)
        set(_timeout ${ARG_TIMEOUT})
    endif()
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${_env}" TIMEOUT ${_timeout}
        LABELS "${ARG_LABELS}")
endfunction()
