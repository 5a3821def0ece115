/* SPDX-License-Identifier: MIT */
/* See status.h: the sentences of the one status type. */
#include "config.h"

#include "status.h"

const char *cp_status_str(int st)
{
	switch ((enum cp_status)st) {
	case CP_OK: return "ok";
	case CP_ENOMEM: return "out of memory";
	case CP_EINVAL: return "inconsistent or missing parameters";
	case CP_ETOOMANY: return "a list is over its cap";
	case CP_ETOOBIG: return "too large";
	case CP_EOVERFLOW: return "a length does not fit its length field";
	case CP_ETRUNCATED: return "truncated";
	case CP_EWRONGTYPE: return "not the kind of data expected";
	case CP_EBADDATA: return "malformed data";
	case CP_EFILE: return "the file cannot be read";
	case CP_EKEYGEN: return "no key could be made";
	case CP_ERANDOM: return "the random generator failed";
	}
	return "unknown status";
}
