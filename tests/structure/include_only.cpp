// A translation unit that includes the SDK, header-only, and uses nothing: it must compile to
// (almost) nothing. An out-of-class virtual function declared without CENTRALI_DECL becomes a
// key function, and every such TU then emits the vtable and all the code behind it (the
// transport, the async engine): that once doubled the compile time of every user's file.
#include <centrali/client.hpp>
