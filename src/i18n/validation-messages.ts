import type { Lang } from './lang';

/** One schema problem as ajv (through Fastify) reports it. */
export interface SchemaProblem {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

const partNames: Record<string, { zh: string; en: string }> = {
  body: { zh: '提交内容', en: 'the request body' },
  querystring: { zh: '查询参数', en: 'the query' },
  params: { zh: '网址参数', en: 'the address' },
  headers: { zh: '请求头', en: 'the headers' },
};

const typeNames: Record<string, { zh: string; en: string }> = {
  integer: { zh: '整数', en: 'a whole number' },
  number: { zh: '数字', en: 'a number' },
  string: { zh: '文本', en: 'text' },
  boolean: { zh: '是或否（true/false）', en: 'true or false' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '列表', en: 'a list' },
  null: { zh: '空值', en: 'null' },
};

const formatNames: Record<string, { zh: string; en: string }> = {
  uuid: { zh: '编号（UUID）', en: 'an id (UUID)' },
  email: { zh: '邮箱地址', en: 'an e-mail address' },
  'date-time': { zh: '日期时间（ISO 8601）', en: 'a date and time (ISO 8601)' },
  date: { zh: '日期', en: 'a date' },
  uri: { zh: '网址', en: 'a URL' },
};

const str = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/**
 * A sentence a person can act on for the first schema problem, naming the field by its own name
 * (`price`, `items[0].quantity`) instead of a JSON pointer and keyword.
 */
export function schemaProblemMessage(lang: Lang, problems: readonly SchemaProblem[], part?: string): string {
  const problem = problems[0];
  if (!problem) return lang === 'zh' ? '提交的内容格式不正确。' : 'the request is not valid';
  const params = problem.params ?? {};
  const path = (problem.instancePath ?? '').split('/').filter(Boolean)
    .map((segment, i) => (/^\d+$/.test(segment) ? `[${segment}]` : `${i ? '.' : ''}${segment}`)).join('');
  const whole = partNames[part ?? ''] ?? { zh: '提交内容', en: 'the request' };
  const field = path || (lang === 'zh' ? whole.zh : whole.en);
  const limit = str(params.limit);
  const zh = lang === 'zh';
  switch (problem.keyword) {
    case 'required': {
      const missing = str(params.missingProperty);
      const where = path ? (zh ? `${path} 中` : ` in ${path}`) : '';
      return zh ? `${where}缺少必填项 ${missing}。` : `${missing} is required${where}`;
    }
    case 'type': {
      const type = typeNames[str(params.type).split(',')[0] ?? ''];
      return zh ? `${field} 应为${type?.zh ?? str(params.type)}。` : `${field} must be ${type?.en ?? str(params.type)}`;
    }
    case 'format': {
      const format = formatNames[str(params.format)];
      return zh ? `${field} 格式不正确，应为${format?.zh ?? str(params.format)}。` : `${field} must be ${format?.en ?? `in ${str(params.format)} format`}`;
    }
    case 'minimum': return zh ? `${field} 不能小于 ${limit}。` : `${field} must be at least ${limit}`;
    case 'maximum': return zh ? `${field} 不能大于 ${limit}。` : `${field} must be at most ${limit}`;
    case 'exclusiveMinimum': return zh ? `${field} 必须大于 ${limit}。` : `${field} must be more than ${limit}`;
    case 'exclusiveMaximum': return zh ? `${field} 必须小于 ${limit}。` : `${field} must be less than ${limit}`;
    case 'minLength':
      return Number(limit) === 1
        ? (zh ? `${field} 不能为空。` : `${field} must not be empty`)
        : (zh ? `${field} 至少需要 ${limit} 个字符。` : `${field} must be at least ${limit} characters long`);
    case 'maxLength': return zh ? `${field} 最多 ${limit} 个字符。` : `${field} must be at most ${limit} characters long`;
    case 'minItems': return zh ? `${field} 至少需要 ${limit} 项。` : `${field} needs at least ${limit} items`;
    case 'maxItems': return zh ? `${field} 最多 ${limit} 项。` : `${field} may have at most ${limit} items`;
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(str).join(zh ? '、' : ', ') : '';
      return zh ? `${field} 的取值不在允许范围内${allowed ? `（可选：${allowed}）` : ''}。` : `${field} must be one of ${allowed || 'the allowed values'}`;
    }
    case 'const': return zh ? `${field} 的取值不正确。` : `${field} must be ${str(params.allowedValue)}`;
    case 'anyOf':
    case 'oneOf': return zh ? `${field} 的取值不符合任何一种允许的形式。` : `${field} matches none of the allowed forms`;
    case 'additionalProperties': {
      const extra = str(params.additionalProperty);
      return zh ? `${path ? `${path} 中` : ''}有不认识的字段 ${extra}。` : `unknown field ${extra}${path ? ` in ${path}` : ''}`;
    }
    case 'pattern': return zh ? `${field} 的格式不正确。` : `${field} has the wrong format`;
    case 'multipleOf': return zh ? `${field} 必须是 ${str(params.multipleOf)} 的整数倍。` : `${field} must be a multiple of ${str(params.multipleOf)}`;
    case 'finite': return zh ? `${field} 必须是有限的数字。` : `${field} must be a finite number`;
    case 'minProperties': return zh ? `${field} 不能为空。` : `${field} must not be empty`;
    default: return zh ? `${field} 不符合要求。` : `${field} ${str(problem.message) || 'is not valid'}`;
  }
}
