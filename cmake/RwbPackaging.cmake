# Installation of the docs and the Debian package. The executables install themselves (app/), their
# data files in resources/. `cpack -G DEB` in a build tree writes packages/resilience-workbench_*.deb;
# scripts/package.sh builds it, runs lintian on it and runs rwb from it (.ci/run does that).

set(RWB_PACKAGE_MAINTAINER "Resilience Workbench maintainers <maintainers@users.noreply.b-seed-56914a2f.example>"
    CACHE STRING "Maintainer of the Debian package (name <address>)")

# The docs next to the Debian package's copyright and changelog (gzip -9n, as for the man pages).
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/resources/debian/copyright
    DESTINATION ${RWB_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${RWB_INSTALL_DOCDIR}
    FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
configure_file(${PROJECT_SOURCE_DIR}/resources/debian/changelog.in ${PROJECT_BINARY_DIR}/package/changelog @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/package/changelog.gz
    COMMAND gzip -9nkf changelog
    WORKING_DIRECTORY ${PROJECT_BINARY_DIR}/package
    DEPENDS ${PROJECT_BINARY_DIR}/package/changelog VERBATIM)
add_custom_target(package_changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/package/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/package/changelog.gz DESTINATION ${RWB_INSTALL_DOCDIR})

# ---- CPack: one Debian package with both executables ---------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME resilience-workbench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${RWB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for circuit breakers, retries and timeouts")
# Lines of at most 72 characters: the description is shown on 80-column terminals, indented.
set(CPACK_PACKAGE_DESCRIPTION
    "Resilience Workbench tunes fault-tolerance policies against misbehaving
services. A Qt desktop application drives a resilience engine (circuit
breaker, retry with backoff and jitter, timeout, bulkhead, rate limiting,
fallback) against fault-injecting services, in virtual time or live over
HTTP on loopback, and draws breaker states, retry delays, traffic and
latency.
.
The package also contains rwb, the command line for simulations, scenario
validation, HTTP mock servers, live runs and JSON Lines log queries.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_OUTPUT_FILE_PREFIX packages)
set(CPACK_STRIP_FILES ON)
# Directories 0755 whatever the umask of the machine that builds the package.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps names the Qt 6 libraries' packages (libqt6core6, libqt6widgets6, libqt6charts6, ...);
# the platform plugins that draw the window are a package of their own, not a library dependency.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
include(CPack)
