#include <libxml/xmlversion.h>
// libxml2's headers were built with ICU; its headers clash with Foundation's own ICU
// module ("'UErrorCode' has different definitions"). We never touch ICU-only fields.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <libxml/tree.h>
